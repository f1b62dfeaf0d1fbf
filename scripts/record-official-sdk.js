// Records exactly what Juspay's official Node SDK (npm expresscheckout-nodejs) sends.
// Run through scripts/record-official-sdk.sh (installs the pinned SDK into a temp dir).
//
// The SDK (1.0.0) always speaks HTTPS: JuspayResource.js tests `fullPath.protocol === 'http'`
// but URL.protocol is 'http:', so the test is never true; and it passes `host: fullPath.host`
// (which includes any ":port") to https.request, so a base URL with a port cannot be used.
// We therefore serve HTTPS with a throwaway self-signed certificate on 127.0.0.1:443 (needs
// root) and give the SDK baseUrl 'https://127.0.0.1'; NODE_TLS_REJECT_UNAUTHORIZED=0 is set
// by the shell script for this process only. Nothing leaves loopback.
'use strict'
const https = require('https')
const fs = require('fs')
const path = require('path')

const [, , sdkDir, certDir, outFile] = process.argv
const { Juspay } = require(path.join(sdkDir, 'node_modules', 'expresscheckout-nodejs'))
const sdkPkg = require(path.join(sdkDir, 'node_modules', 'expresscheckout-nodejs', 'package.json'))

const API_KEY = 'official_sdk_key'
const MERCHANT_ID = 'official_sdk_merchant'
const B64_NO_COLON = Buffer.from(API_KEY).toString('base64')
const B64_COLON = Buffer.from(API_KEY + ':').toString('base64')

// One pass, longest first, so a placeholder is never rewritten again.
const PLACEHOLDERS = [[B64_COLON, '<BASE64(official_sdk_key:)>'], [B64_NO_COLON, '<BASE64(official_sdk_key)>'],
  [API_KEY, '<official_sdk_key>']]
function redact (v) {
  const re = new RegExp(PLACEHOLDERS.map(([k]) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
  return v.replace(re, (m) => PLACEHOLDERS.find(([k]) => k === m)[1])
}
const recorded = []
const answers = {
  '/session': { status: 'NEW', id: 'ordeh_recorder', order_id: 'order_recorded_1',
    payment_links: { web: 'https://127.0.0.1/orders/ordeh_recorder/payment-page', expiry: null },
    sdk_payload: { requestId: 'r1', service: 'in.juspay.hyperpay', payload: {} } },
  order: { order_id: 'order_recorded_1', status: 'CHARGED', status_id: 21, amount: 1, currency: 'INR' },
}

const server = https.createServer({
  key: fs.readFileSync(path.join(certDir, 'key.pem')),
  cert: fs.readFileSync(path.join(certDir, 'cert.pem')),
}, (req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const headers = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i], redact(req.rawHeaders[i + 1])])
    }
    recorded.push({ method: req.method, path: req.url, http_version: req.httpVersion, headers,
      body: redact(Buffer.concat(chunks).toString('utf8')) })
    const answer = req.url.startsWith('/session') ? answers['/session'] : answers.order
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(answer))
  })
})

async function main () {
  await new Promise((ok) => server.listen(443, '127.0.0.1', ok))
  const juspay = new Juspay({ merchantId: MERCHANT_ID, apiKey: API_KEY, baseUrl: 'https://127.0.0.1' })
  const calls = []
  // 1. Session, exactly as the SDK's README shows (amount as a JS number).
  try {
    await juspay.orderSession.create({ amount: 1, order_id: 'order_recorded_1',
      payment_page_client_id: 'your payment page client id' })
    calls.push({ call: 'juspay.orderSession.create({amount: 1, order_id, payment_page_client_id})', ok: true })
  } catch (e) { calls.push({ call: 'orderSession.create', ok: false, error: String(e) }) }
  // 2. Order status, as the README shows (order.status(orderId)).
  try {
    await juspay.order.status('order_recorded_1')
    calls.push({ call: "juspay.order.status('order_recorded_1')", ok: true })
  } catch (e) { calls.push({ call: 'order.status', ok: false, error: String(e) }) }
  // 3. Refund (order.refund(orderId, body)), to see its encoding.
  try {
    await juspay.order.refund('order_recorded_1', { unique_request_id: 'refund_recorded_1', amount: 1 })
    calls.push({ call: "juspay.order.refund('order_recorded_1', {unique_request_id: 'refund_recorded_1', amount: 1})", ok: true })
  } catch (e) { calls.push({ call: 'order.refund', ok: false, error: String(e) }) }
  server.close()
  const out = {
    about: 'Requests recorded from Juspay\'s official Node SDK (npm expresscheckout-nodejs ' + sdkPkg.version +
      ') by scripts/record-official-sdk.sh against a loopback HTTPS recorder. headers are [name, value] in wire order ' +
      'and case (Node rawHeaders). The API key given to the SDK was "official_sdk_key" (merchant id ' +
      '"official_sdk_merchant"); it is replaced by <official_sdk_key>, its base64 by <BASE64(official_sdk_key)> (' +
      B64_NO_COLON + ') and base64 of "official_sdk_key:" by <BASE64(official_sdk_key:)> (' + B64_COLON + '). ' +
      'The Host header is the recorder\'s (127.0.0.1), the SDK was given baseUrl https://127.0.0.1.',
    sdk: { package: 'expresscheckout-nodejs', version: sdkPkg.version, node: process.version },
    api_key_placeholder: { given_api_key: API_KEY, base64_without_colon: B64_NO_COLON, base64_with_colon: B64_COLON,
      merchant_id: MERCHANT_ID },
    calls,
    requests: recorded,
  }
  fs.writeFileSync(outFile, JSON.stringify(out, null, 2) + '\n')
}
main().catch((e) => { console.error(e); process.exit(1) })
