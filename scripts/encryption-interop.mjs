// Encrypted mode against an independent JOSE implementation: npm `jose` (panva), which nobody
// here wrote. Two commands (run through scripts/test-encryption-interop.sh, which installs
// jose into target/jose-interop):
//
//   node scripts/encryption-interop.mjs vectors KEYS_DIR OUT.json
//       writes testdata/encryption.json: the test-only keys (made by openssl, see
//       docs/encryption.md) and answers/webhooks sealed by jose that every language's SDK must
//       accept, plus tampered ones it must refuse. Regenerating changes every ciphertext
//       (random keys and IVs); the SDK tests only read them.
//   node scripts/encryption-interop.mjs verify VECTORS.json SDK_OUT.json
//       decrypts and verifies with jose every request envelope (and webhook) the Rust SDK and
//       the emulator wrote, and checks the plaintext; exits 1 on any failure.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'target/jose-interop/'));
const jose = require('jose');
const { CompactSign, CompactEncrypt, compactDecrypt, compactVerify, importPKCS8, importSPKI } = jose;

const enc = new TextEncoder();
const dec = new TextDecoder();

async function sealAnswer(payload, { signKey, signKid, encKey, encKid, alg = 'RSA-OAEP-256', encAlg = 'A256GCM', jwsAlg = 'RS256', cty, compactInner = false }) {
  const jws = await new CompactSign(enc.encode(payload)).setProtectedHeader({ alg: jwsAlg, kid: signKid }).sign(signKey);
  const [h, p, s] = jws.split('.');
  const inner = compactInner ? jws : JSON.stringify({ header: h, payload: p, signature: s });
  const header = { alg, enc: encAlg, kid: encKid };
  if (cty) header.cty = cty;
  return new CompactEncrypt(enc.encode(inner)).setProtectedHeader(header).encrypt(encKey);
}

function envelope(compact) {
  const [header, encryptedKey, iv, encryptedPayload, tag] = compact.split('.');
  return JSON.stringify({ header, encryptedKey, iv, encryptedPayload, tag });
}

function flip(b64, at = 2) {
  const c = b64[at];
  const repl = c === 'A' ? 'B' : 'A';
  return b64.slice(0, at) + repl + b64.slice(at + 1);
}

function b64url(text) {
  return Buffer.from(text).toString('base64url');
}

async function vectors(keysDir, out) {
  const read = (name) => readFileSync(path.join(keysDir, name), 'utf8');
  const keys = {
    merchant_key_id: 'key_merchant_test_0001',
    merchant_private_key_pem: read('merchant_pkcs8.pem'),
    merchant_private_key_pkcs1_pem: read('merchant_pkcs1.pem'),
    merchant_public_key_pem: read('merchant_public.pem'),
    juspay_key_id: 'key_juspay_test_0001',
    juspay_private_key_pem: read('juspay_private.pem'),
    juspay_public_key_pem: read('juspay_public.pem'),
  };
  const other = { private_pem: read('other.pem'), public_pem: read('other_public.pem') };
  const juspayPriv = await importPKCS8(keys.juspay_private_key_pem, 'RS256');
  const merchantPubOaep256 = await importSPKI(keys.merchant_public_key_pem, 'RSA-OAEP-256');
  const merchantPubOaep = await importSPKI(keys.merchant_public_key_pem, 'RSA-OAEP');
  const otherPriv = await importPKCS8(other.private_pem, 'RS256');
  const otherPubOaep256 = await importSPKI(other.public_pem, 'RSA-OAEP-256');

  const order = JSON.stringify({ order_id: 'enc-order-1', status: 'CHARGED', status_id: 21, amount: 10.5, currency: 'INR', id: 'ordeh_enc1', refunds: [] });
  const base = { signKey: juspayPriv, signKid: keys.juspay_key_id, encKey: merchantPubOaep256, encKid: keys.merchant_key_id };
  const answers = [];
  const ok = async (name, why, opts, payload = order) => answers.push({ name, why, body: envelope(await sealAnswer(payload, { ...base, ...opts })), expect: 'ok', plaintext: payload });
  const bad = (name, why, body) => answers.push({ name, why, body, expect: 'not_authentic' });

  await ok('oaep256', 'what Juspay answers (.NET/PHP/Node SDKs decrypt answers with OAEP-SHA256)', {});
  await ok('oaep_sha1', 'RSA-OAEP (SHA-1), as the Node SDK seals', { alg: 'RSA-OAEP', encKey: merchantPubOaep, cty: 'JWT' });
  await ok('cty_jwt', 'cty JWT in the header (Node SDK)', { cty: 'JWT' });
  await ok('same_key_id', 'one key id in both headers, as every Juspay SDK does', { signKid: keys.merchant_key_id, encKid: keys.merchant_key_id });
  await ok('compact_inner_jws', 'the inner JWS in compact form', { compactInner: true });

  const good = await sealAnswer(order, base);
  const [h, k, iv, c, t] = good.split('.');
  bad('tag_flipped', 'one character of the GCM tag changed', envelope([h, k, iv, c, flip(t)].join('.')));
  bad('ciphertext_flipped', 'one character of the ciphertext changed', envelope([h, k, iv, flip(c, 10), t].join('.')));
  bad('iv_flipped', 'the IV changed', envelope([h, k, flip(iv), c, t].join('.')));
  bad('key_flipped', 'the wrapped key changed', envelope([h, flip(k, 20), iv, c, t].join('.')));
  const reordered = b64url(JSON.stringify({ enc: 'A256GCM', alg: 'RSA-OAEP-256', kid: keys.merchant_key_id }));
  bad('header_reencoded', 'the protected header re-encoded after encryption (AAD changed)', envelope([reordered, k, iv, c, t].join('.')));
  const swapped = b64url(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'key_attacker' }));
  bad('header_kid_swapped', 'the kid in the header replaced after encryption', envelope([swapped, k, iv, c, t].join('.')));
  bad('kid_unknown', 'sealed correctly under a kid nobody configured', envelope(await sealAnswer(order, { ...base, encKid: 'key_unknown' })));
  bad('jws_kid_unknown', 'signed correctly but the JWS kid names another key', envelope(await sealAnswer(order, { ...base, signKid: 'key_unknown' })));
  bad('signature_other_key', 'signed by a key that is not Juspay\'s', envelope(await sealAnswer(order, { ...base, signKey: otherPriv })));
  bad('encrypted_to_other_key', 'encrypted to a key that is not the merchant\'s', envelope(await sealAnswer(order, { ...base, encKey: otherPubOaep256 })));
  bad('enc_a128gcm', 'A128GCM instead of A256GCM', envelope(await sealAnswer(order, { ...base, encAlg: 'A128GCM' })));
  // alg none: a JWS with an empty signature, sealed correctly.
  {
    const hn = b64url(JSON.stringify({ alg: 'none', kid: keys.juspay_key_id }));
    const inner = JSON.stringify({ header: hn, payload: b64url(order), signature: '' });
    const compact = await new CompactEncrypt(enc.encode(inner)).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: keys.merchant_key_id }).encrypt(merchantPubOaep256);
    bad('jws_alg_none', 'inner JWS with alg none and no signature', envelope(compact));
  }
  // HS256 keyed with the public key's PEM: the classic algorithm-confusion forgery.
  {
    const secret = enc.encode(keys.juspay_public_key_pem);
    const jws = await new CompactSign(enc.encode(order)).setProtectedHeader({ alg: 'HS256', kid: keys.juspay_key_id }).sign(secret);
    const [a, b, s] = jws.split('.');
    const compact = await new CompactEncrypt(enc.encode(JSON.stringify({ header: a, payload: b, signature: s }))).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: keys.merchant_key_id }).encrypt(merchantPubOaep256);
    bad('jws_alg_hs256', 'inner JWS HS256 keyed with Juspay\'s public key PEM', envelope(compact));
  }
  // Payload swapped inside a correctly encrypted envelope: the signature covers the old one.
  {
    const jws = await new CompactSign(enc.encode(order)).setProtectedHeader({ alg: 'RS256', kid: keys.juspay_key_id }).sign(juspayPriv);
    const [a, , s] = jws.split('.');
    const forged = b64url(order.replace('CHARGED', 'REFUNDED'));
    const compact = await new CompactEncrypt(enc.encode(JSON.stringify({ header: a, payload: forged, signature: s }))).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: keys.merchant_key_id }).encrypt(merchantPubOaep256);
    bad('jws_payload_swapped', 'a different payload under the original signature', envelope(compact));
  }
  bad('plain_json', 'an unencrypted answer', order);
  bad('not_json', 'not JSON at all', 'eyJhbGciOi');
  bad('envelope_missing_tag', 'the envelope without its tag', JSON.stringify({ header: h, encryptedKey: k, iv, encryptedPayload: c }));

  const webhookEvent = JSON.stringify({ id: 'evt_enc_1', event_name: 'ORDER_SUCCEEDED', date_created: '2026-01-01T00:00:00Z', content: { order: JSON.parse(order) } });
  const webhooks = [];
  webhooks.push({ name: 'jwt_webhook', why: 'docs jwt-webhook: {"JWT": compact JWE}', body: JSON.stringify({ JWT: await sealAnswer(webhookEvent, base) }), expect: 'ok', event_name: 'ORDER_SUCCEEDED', order_id: 'enc-order-1' });
  webhooks.push({ name: 'jwt_webhook_compact_inner', why: 'inner JWS compact', body: JSON.stringify({ JWT: await sealAnswer(webhookEvent, { ...base, compactInner: true }) }), expect: 'ok', event_name: 'ORDER_SUCCEEDED', order_id: 'enc-order-1' });
  const w = (await sealAnswer(webhookEvent, base)).split('.');
  webhooks.push({ name: 'webhook_tag_flipped', why: 'tag changed', body: JSON.stringify({ JWT: [w[0], w[1], w[2], w[3], flip(w[4])].join('.') }), expect: 'not_authentic' });
  webhooks.push({ name: 'webhook_signature_other_key', why: 'signed by another key', body: JSON.stringify({ JWT: await sealAnswer(webhookEvent, { ...base, signKey: otherPriv }) }), expect: 'not_authentic' });
  webhooks.push({ name: 'webhook_plain', why: 'a plain webhook is not an encrypted one', body: webhookEvent, expect: 'not_authentic' });
  webhooks.push({ name: 'webhook_four_parts', why: 'a JWE with a part missing', body: JSON.stringify({ JWT: w.slice(0, 4).join('.') }), expect: 'not_authentic' });

  const configErrors = [
    { name: 'private_key_not_pem', field: 'merchant_private_key_pem', value: 'not a key', reason_contains: 'merchant_private_key_pem' },
    { name: 'private_key_is_public', field: 'merchant_private_key_pem', value: keys.merchant_public_key_pem, reason_contains: 'merchant_private_key_pem is a public key' },
    { name: 'private_key_1024_bits', field: 'merchant_private_key_pem', value: read('small_1024.pem'), reason_contains: 'at least 2048' },
    { name: 'private_key_ec', field: 'merchant_private_key_pem', value: read('ec.pem'), reason_contains: 'merchant_private_key_pem' },
    { name: 'public_key_is_private', field: 'juspay_public_key_pem', value: keys.juspay_private_key_pem, reason_contains: 'juspay_public_key_pem is a private key' },
    { name: 'public_key_is_merchants', field: 'juspay_public_key_pem', value: keys.merchant_public_key_pem, reason_contains: 'public half of merchant_private_key_pem' },
    { name: 'public_key_garbage', field: 'juspay_public_key_pem', value: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', reason_contains: 'juspay_public_key_pem' },
    { name: 'merchant_key_id_empty', field: 'merchant_key_id', value: '', reason_contains: 'merchant_key_id is empty' },
    { name: 'juspay_key_id_spaces', field: 'juspay_key_id', value: 'key with spaces', reason_contains: 'juspay_key_id' },
  ];

  const doc = {
    about: 'Encrypted mode vectors (docs/encryption.md). TEST-ONLY keys made by openssl for this file; never use them anywhere else. Answers and webhooks sealed by npm jose ' + require('jose/package.json').version + ' (panva) via scripts/encryption-interop.mjs; "ok" ones must decrypt to "plaintext", "not_authentic" ones must be refused with the NotAuthentic error. config_errors: replace one field of keys (merchant_key_id, merchant_private_key_pem, juspay_key_id, juspay_public_key_pem) and expect a Configuration error containing reason_contains.',
    keys,
    answers,
    webhooks,
    config_errors: configErrors,
  };
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${out}: ${answers.length} answers, ${webhooks.length} webhooks, ${configErrors.length} config errors`);
}

async function verify(vectorsPath, sdkPath) {
  const { keys } = JSON.parse(readFileSync(vectorsPath, 'utf8'));
  const sdk = JSON.parse(readFileSync(sdkPath, 'utf8'));
  const failures = [];
  let checked = 0;
  for (const item of sdk.requests) {
    // Juspay's side of a request: decrypt with Juspay's private key, verify with the merchant's public key.
    const e = JSON.parse(item.body);
    const compact = [e.header, e.encryptedKey, e.iv, e.encryptedPayload, e.tag].join('.');
    try {
      const header = JSON.parse(dec.decode(Buffer.from(e.header, 'base64url')));
      const decKey = await importPKCS8(keys.juspay_private_key_pem, header.alg);
      const { plaintext, protectedHeader } = await compactDecrypt(compact, decKey);
      const inner = JSON.parse(dec.decode(plaintext));
      const verifyKey = await importSPKI(keys.merchant_public_key_pem, 'RS256');
      const { payload, protectedHeader: jwsHeader } = await compactVerify(`${inner.header}.${inner.payload}.${inner.signature}`, verifyKey, { algorithms: ['RS256'] });
      const got = dec.decode(payload);
      if (got !== item.plaintext) failures.push(`${item.name}: plaintext differs: ${got}`);
      if (protectedHeader.kid !== keys.juspay_key_id) failures.push(`${item.name}: JWE kid ${protectedHeader.kid}`);
      if (protectedHeader.alg !== 'RSA-OAEP-256' || protectedHeader.enc !== 'A256GCM') failures.push(`${item.name}: JWE header ${JSON.stringify(protectedHeader)}`);
      if (jwsHeader.kid !== keys.merchant_key_id) failures.push(`${item.name}: JWS kid ${jwsHeader.kid}`);
      checked++;
    } catch (err) {
      failures.push(`${item.name}: jose refused the SDK's envelope: ${err}`);
    }
  }
  for (const item of sdk.answers || []) {
    // The merchant's side of an emulator answer or webhook, checked by jose too.
    try {
      let compact;
      if (item.compact) compact = item.compact;
      else { const e = JSON.parse(item.body); compact = [e.header, e.encryptedKey, e.iv, e.encryptedPayload, e.tag].join('.'); }
      const decKey = await importPKCS8(keys.merchant_private_key_pem, 'RSA-OAEP-256');
      const { plaintext } = await compactDecrypt(compact, decKey);
      const inner = JSON.parse(dec.decode(plaintext));
      const verifyKey = await importSPKI(keys.juspay_public_key_pem, 'RS256');
      await compactVerify(`${inner.header}.${inner.payload}.${inner.signature}`, verifyKey, { algorithms: ['RS256'] });
      checked++;
    } catch (err) {
      failures.push(`${item.name}: jose refused the emulator's answer: ${err}`);
    }
  }
  // The cryptographically spoiled vectors must fail in jose as well, or they prove nothing
  // (the kid and enc ones are refused by the SDK's policy, which jose does not apply).
  const vectorsDoc = JSON.parse(readFileSync(vectorsPath, 'utf8'));
  const mustFail = ['tag_flipped', 'ciphertext_flipped', 'iv_flipped', 'key_flipped', 'header_reencoded', 'header_kid_swapped', 'signature_other_key', 'encrypted_to_other_key', 'jws_payload_swapped'];
  for (const name of mustFail) {
    const item = vectorsDoc.answers.find((a) => a.name === name);
    if (!item) { failures.push(`vector ${name} is missing`); continue; }
    try {
      const e = JSON.parse(item.body);
      const compact = [e.header, e.encryptedKey, e.iv, e.encryptedPayload, e.tag].join('.');
      const { plaintext } = await compactDecrypt(compact, await importPKCS8(keys.merchant_private_key_pem, 'RSA-OAEP-256'));
      const inner = JSON.parse(dec.decode(plaintext));
      await compactVerify(`${inner.header}.${inner.payload}.${inner.signature}`, await importSPKI(keys.juspay_public_key_pem, 'RS256'), { algorithms: ['RS256'] });
      failures.push(`${name}: jose accepted a vector the SDK must refuse`);
    } catch (err) {
      checked++;
    }
  }
  if (checked === 0) failures.push('nothing was checked');
  if (failures.length) {
    console.error(failures.join('\n'));
    process.exit(1);
  }
  console.log(`jose: ${checked} checks passed (SDK requests and emulator answers open and verify; spoiled vectors refused)`);
}

const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'vectors') await vectors(a, b);
else if (cmd === 'verify') await verify(a, b);
else { console.error('usage: encryption-interop.mjs vectors KEYS_DIR OUT | verify VECTORS SDK_OUT'); process.exit(2); }
