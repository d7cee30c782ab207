/**
 * The browser kernel's view of the site's read-only files (lite/worker/site-files.ts): the
 * manifest's paths as files and folders, and a damaged or cut-short file refused with a message
 * that says what to do, instead of a lesson failing later on garbage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import { manifestListing, checkedSiteFile } from '../lite/worker/site-files';

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('the manifest lists files and folders as the library asks for them', () => {
  const files = { 'data/mnist/train-images-idx3-ubyte.gz': {}, 'data/mnist/train-labels-idx1-ubyte.gz': {}, 'data/pretrained/dcgan-mnist/model.json': {} };
  const listing = manifestListing(files);
  assert.deepEqual(listing('/data'), { kind: 'dir', names: ['mnist', 'pretrained'] });
  assert.deepEqual(listing('/data/mnist/'), { kind: 'dir', names: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'] });
  assert.deepEqual(listing('/data/pretrained/dcgan-mnist/model.json'), { kind: 'file', names: [] });
  assert.deepEqual(listing('/'), { kind: 'dir', names: ['data'] });
  assert.equal(listing('/data/cifar10'), undefined);
  assert.equal(listing('/data/mnist/train-images-idx3-ubyte'), undefined, 'a name the manifest does not have is not there');
});

test('a site file is handed out only with the size and SHA-256 of its manifest', () => {
  const bytes = new TextEncoder().encode('{"modelTopology": {}}');
  const entry = { bytes: bytes.length, sha256: sha256Hex(bytes) };
  assert.equal(checkedSiteFile('/data/pretrained/x/model.json', bytes, entry, sha256Hex), bytes);
  assert.equal(checkedSiteFile('/data/extra.json', bytes, undefined, sha256Hex), bytes, 'a file outside the manifest is not checked');
  const damaged = bytes.slice();
  damaged[3] ^= 1;
  assert.throws(() => checkedSiteFile('/data/pretrained/x/model.json', damaged, entry, sha256Hex),
    /The site's file data\/pretrained\/x\/model.json is damaged: its SHA-256 is [0-9a-f]{64}, its manifest says [0-9a-f]{64}\. Reload the page; .*npm run lite -- --build-only/);
  assert.throws(() => checkedSiteFile('/data/pretrained/x/model.json', bytes.subarray(0, 5), entry, sha256Hex),
    /arrived with 5 bytes, not the 21 of its manifest/);
});
