//! Juspay's encrypted endpoints, server side: `POST /v4/session`, `POST /v4/order-status`
//! and `POST /v4/orders/{order_id}/refunds`, plus encrypted (`{"JWT": ...}`) webhooks.
//!
//! Written apart from the client crate (the referee shares no code with the player): the
//! request envelope `{"header","encryptedKey","iv","encryptedPayload","tag"}` is a compact JWE
//! split into JSON fields, encrypted to Juspay's key (here: the emulator's), whose plaintext
//! is a JWS `{"header","payload","signature"}` signed by the merchant. A 2xx answer is signed
//! with Juspay's key and encrypted to the merchant's; an error answer stays plain JSON.
//! Sources: .NET SDK @622f844e `Juspay/Model/_base/JWT.cs`, `JuspayJWTRSA.cs`,
//! `Services/_base/HttpClient.cs` (only 2xx answers are decrypted); Node SDK 1.0.0
//! `dist/esm/security/*.js`; PHP SDK @3a33a1bb `lib/JWT/*` (`docs/encryption.md`).
//!
//! Strict mode takes only what the .NET/PHP SDKs send (RSA-OAEP-256, A256GCM, RS256, both
//! `kid`s naming the configured keys). Faithful mode also takes the Node SDK's
//! `{"alg":"RSA-OAEP","cty":"JWT"}` (OAEP with SHA-1) and any `kid`, as Juspay evidently does.
//!
//! Testing aid: `x-emulator-tamper` (header), `emulator_tamper` (a field of the decrypted
//! body) or `EncryptionSetup::tamper` spoils a 2xx answer in one way (`TAMPER_KINDS`), so
//! clients can show they refuse it.

use std::sync::Arc;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{
    KeyPair, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey,
    PublicEncryptingKey, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256,
};
use aws_lc_rs::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Extension;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::fault::{Api, Connection};
use crate::server::{
    count_and_fault, header_str, json_response, unauthorized, AppState, Pre, RequestId,
    FAULT_BODY_FIELD,
};
use crate::validate::Mode;

/// The ways `x-emulator-tamper` can spoil a 2xx answer.
pub const TAMPER_KINDS: &[&str] = &[
    // one bit of the GCM tag flipped
    "tag",
    // one bit of the ciphertext flipped
    "payload",
    // the protected header re-encoded after encryption (AAD no longer matches)
    "header",
    // sealed correctly but under a `kid` nobody configured
    "kid",
    // the inner JWS signature made by another key
    "signature",
    // the inner JWS with `"alg":"none"` and no signature
    "alg-none",
    // the key wrapped for a different RSA key
    "wrong-key",
    // the answer sent as plain JSON, not encrypted at all
    "plain",
];

/// Keys of encrypted mode, Juspay's side. Loaded with `--encryption-keys FILE`.
#[derive(Clone)]
pub struct EncryptionSetup {
    /// The emulator's ("Juspay's") RSA private key, PEM (PKCS#8 or PKCS#1).
    pub juspay_private_key_pem: String,
    /// Its key id.
    pub juspay_key_id: String,
    /// The merchant's RSA public key, PEM (`BEGIN PUBLIC KEY`), for every merchant.
    pub merchant_public_key_pem: String,
    /// The merchant key's id.
    pub merchant_key_id: String,
    /// Spoil every 2xx encrypted answer this way (one of `TAMPER_KINDS`).
    pub tamper: Option<String>,
    /// Send webhooks as `{"JWT": "<compact JWE>"}` (Juspay's JWT webhooks).
    pub encrypted_webhooks: bool,
}

impl std::fmt::Debug for EncryptionSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptionSetup")
            .field("juspay_key_id", &self.juspay_key_id)
            .field("merchant_key_id", &self.merchant_key_id)
            .field("tamper", &self.tamper)
            .field("encrypted_webhooks", &self.encrypted_webhooks)
            .finish_non_exhaustive()
    }
}

impl EncryptionSetup {
    /// Reads the four key fields from a JSON file: its top-level object or its `keys`
    /// object (the layout of `testdata/encryption.json`), with the names of this struct.
    pub fn from_json_file(path: &str) -> Result<EncryptionSetup, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let value: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
        let keys = value.get("keys").unwrap_or(&value);
        let field = |name: &str| {
            keys.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("{path}: missing string field {name:?}"))
        };
        Ok(EncryptionSetup {
            juspay_private_key_pem: field("juspay_private_key_pem")?,
            juspay_key_id: field("juspay_key_id")?,
            merchant_public_key_pem: field("merchant_public_key_pem")?,
            merchant_key_id: field("merchant_key_id")?,
            tamper: None,
            encrypted_webhooks: false,
        })
    }
}

/// Parsed keys.
pub(crate) struct ServerKeys {
    juspay_key_id: String,
    juspay_signing: KeyPair,
    juspay_decrypting: OaepPrivateDecryptingKey,
    merchant_key_id: String,
    merchant_verifying: Vec<u8>,
    merchant_encrypting: OaepPublicEncryptingKey,
    tamper: Option<String>,
    pub(crate) encrypted_webhooks: bool,
}

fn pem_der(pem: &str, labels: &[&str]) -> Result<(String, Vec<u8>), String> {
    let begin = pem.find("-----BEGIN ").ok_or("not PEM")?;
    let rest = &pem[begin + 11..];
    let label_end = rest.find("-----").ok_or("not PEM")?;
    let label = &rest[..label_end];
    if !labels.contains(&label) {
        return Err(format!("PEM label {label:?} is not one of {labels:?}"));
    }
    let body_start = label_end + 5;
    let end = rest
        .find(&format!("-----END {label}-----"))
        .ok_or("PEM has no END line")?;
    let b64: String = rest[body_start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("PEM body is not base64: {e}"))?;
    Ok((label.to_string(), der))
}

impl ServerKeys {
    pub(crate) fn new(setup: &EncryptionSetup) -> Result<ServerKeys, String> {
        if let Some(t) = &setup.tamper {
            if !TAMPER_KINDS.contains(&t.as_str()) {
                return Err(format!("tamper {t:?} is not one of {TAMPER_KINDS:?}"));
            }
        }
        let (label, der) = pem_der(
            &setup.juspay_private_key_pem,
            &["PRIVATE KEY", "RSA PRIVATE KEY"],
        )
        .map_err(|e| format!("juspay private key: {e}"))?;
        let juspay_signing = if label == "PRIVATE KEY" {
            KeyPair::from_pkcs8(&der)
        } else {
            KeyPair::from_der(&der)
        }
        .map_err(|e| format!("juspay private key: {e}"))?;
        let pkcs8 = juspay_signing
            .as_der()
            .map_err(|e| format!("juspay private key: {e}"))?;
        let juspay_decrypting = OaepPrivateDecryptingKey::new(
            PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref())
                .map_err(|e| format!("juspay private key: {e}"))?,
        )
        .map_err(|e| format!("juspay private key: {e}"))?;
        let (_, spki) = pem_der(&setup.merchant_public_key_pem, &["PUBLIC KEY"])
            .map_err(|e| format!("merchant public key: {e}"))?;
        let merchant_verifying = aws_lc_rs::rsa::PublicKey::from_der(&spki)
            .map_err(|e| format!("merchant public key: {e}"))?
            .as_ref()
            .to_vec();
        let merchant_encrypting = OaepPublicEncryptingKey::new(
            PublicEncryptingKey::from_der(&spki)
                .map_err(|e| format!("merchant public key: {e}"))?,
        )
        .map_err(|e| format!("merchant public key: {e}"))?;
        Ok(ServerKeys {
            juspay_key_id: setup.juspay_key_id.clone(),
            juspay_signing,
            juspay_decrypting,
            merchant_key_id: setup.merchant_key_id.clone(),
            merchant_verifying,
            merchant_encrypting,
            tamper: setup.tamper.clone(),
            encrypted_webhooks: setup.encrypted_webhooks,
        })
    }

    /// The request's signed payload, or why not (the 401 text).
    fn open_request(&self, body: &[u8], mode: Mode) -> Result<Vec<u8>, String> {
        let Ok(Value::Object(envelope)) = serde_json::from_slice::<Value>(body) else {
            return Err(
                "body must be a JSON object {header, encryptedKey, iv, encryptedPayload, tag}"
                    .into(),
            );
        };
        let part = |name: &str| {
            envelope
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("envelope field {name:?} is missing or not a string"))
        };
        let (header_b64, key, iv, ciphertext, tag) = (
            part("header")?,
            part("encryptedKey")?,
            part("iv")?,
            part("encryptedPayload")?,
            part("tag")?,
        );
        let header = decode_json_object(header_b64).ok_or("JWE header is not base64url JSON")?;
        let text = |name: &str| header.get(name).and_then(Value::as_str);
        let oaep = match (text("alg"), mode) {
            (Some("RSA-OAEP-256"), _) => &OAEP_SHA256_MGF1SHA256,
            // Node SDK 1.0.0 JWE.js: header "RSA-OAEP", Node's default OAEP hash SHA-1.
            (Some("RSA-OAEP"), Mode::Faithful) => &OAEP_SHA1_MGF1SHA1,
            (alg, _) => return Err(format!("JWE alg {alg:?} is not accepted")),
        };
        if text("enc") != Some("A256GCM") {
            return Err("JWE enc must be A256GCM".into());
        }
        if mode == Mode::Strict && text("kid") != Some(self.juspay_key_id.as_str()) {
            return Err("JWE kid must name Juspay's key".into());
        }
        let wrapped = unb64(key).ok_or("encryptedKey is not base64url")?;
        let mut cek = vec![0u8; self.juspay_decrypting.min_output_size()];
        let cek = self
            .juspay_decrypting
            .decrypt(oaep, &wrapped, &mut cek, None)
            .map_err(|_| "could not decrypt the request".to_string())?
            .to_vec();
        let iv: [u8; 12] = unb64(iv)
            .and_then(|v| v.try_into().ok())
            .ok_or("iv must be 12 bytes of base64url")?;
        let mut sealed = unb64(ciphertext).ok_or("encryptedPayload is not base64url")?;
        sealed.extend(unb64(tag).ok_or("tag is not base64url")?);
        let key = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &cek).map_err(|_| "content key is not 32 bytes")?,
        );
        let signed = key
            .open_in_place(
                Nonce::assume_unique_for_key(iv),
                Aad::from(header_b64.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| "could not decrypt the request".to_string())?;
        let Ok(Value::Object(jws)) = serde_json::from_slice::<Value>(signed) else {
            return Err("decrypted body must be a JWS {header, payload, signature}".into());
        };
        let field = |name: &str| {
            jws.get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("JWS field {name:?} is missing"))
        };
        let (h, p, s) = (field("header")?, field("payload")?, field("signature")?);
        let jws_header = decode_json_object(h).ok_or("JWS header is not base64url JSON")?;
        if jws_header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err("JWS alg must be RS256".into());
        }
        if mode == Mode::Strict
            && jws_header.get("kid").and_then(Value::as_str) != Some(self.merchant_key_id.as_str())
        {
            return Err("JWS kid must name the merchant's key".into());
        }
        let signature = unb64(s).ok_or("JWS signature is not base64url")?;
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.merchant_verifying)
            .verify(format!("{h}.{p}").as_bytes(), &signature)
            .map_err(|_| "the request signature does not verify".to_string())?;
        unb64(p).ok_or_else(|| "JWS payload is not base64url".to_string())
    }

    /// `payload` signed with Juspay's key and encrypted to the merchant's, as compact JWE
    /// parts, spoiled as `tamper` says.
    fn seal(&self, payload: &[u8], tamper: Option<&str>) -> [String; 5] {
        let rng = SystemRandom::new();
        let mut jws_header = json!({"alg": "RS256", "kid": self.juspay_key_id});
        if tamper == Some("alg-none") {
            jws_header = json!({"alg": "none", "kid": self.juspay_key_id});
        }
        let h = b64(jws_header.to_string().as_bytes());
        let p = b64(payload);
        let signature = match tamper {
            Some("alg-none") => Vec::new(),
            Some("signature") => {
                let other = KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("keygen");
                sign(&other, &rng, format!("{h}.{p}").as_bytes())
            }
            _ => sign(&self.juspay_signing, &rng, format!("{h}.{p}").as_bytes()),
        };
        let signed = json!({"header": h, "payload": p, "signature": b64(&signature)}).to_string();

        let kid = if tamper == Some("kid") {
            "key_not_configured_anywhere"
        } else {
            self.merchant_key_id.as_str()
        };
        let header = b64(json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": kid})
            .to_string()
            .as_bytes());
        let mut cek = [0u8; 32];
        let mut iv = [0u8; 12];
        rng.fill(&mut cek).expect("random");
        rng.fill(&mut iv).expect("random");
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek).expect("aes key"));
        let mut ciphertext = signed.into_bytes();
        let tag = key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(iv),
                Aad::from(header.as_bytes()),
                &mut ciphertext,
            )
            .expect("seal");
        let mut tag = tag.as_ref().to_vec();
        let other;
        let recipient = if tamper == Some("wrong-key") {
            let key =
                PrivateDecryptingKey::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("keygen");
            other = OaepPublicEncryptingKey::new(key.public_key()).expect("oaep key");
            &other
        } else {
            &self.merchant_encrypting
        };
        let mut wrapped = vec![0; recipient.ciphertext_size()];
        let wrapped = recipient
            .encrypt(&OAEP_SHA256_MGF1SHA256, &cek, &mut wrapped, None)
            .expect("wrap")
            .to_vec();
        match tamper {
            Some("tag") => tag[0] ^= 1,
            Some("payload") => ciphertext[0] ^= 1,
            _ => {}
        }
        let header = if tamper == Some("header") {
            // Same meaning, different bytes: the AAD no longer matches.
            // Written out: `json!` sorts keys, which would give the very same bytes.
            b64(format!(
                r#"{{"enc":"A256GCM","alg":"RSA-OAEP-256","kid":{}}}"#,
                Value::String(self.merchant_key_id.clone())
            )
            .as_bytes())
        } else {
            header
        };
        [header, b64(&wrapped), b64(&iv), b64(&ciphertext), b64(&tag)]
    }

    /// A 2xx answer body as the `/v4` envelope.
    fn seal_envelope(&self, payload: &[u8], tamper: Option<&str>) -> Value {
        let [header, key, iv, ciphertext, tag] = self.seal(payload, tamper);
        json!({
            "header": header,
            "encryptedKey": key,
            "iv": iv,
            "encryptedPayload": ciphertext,
            "tag": tag,
        })
    }
}

fn sign(key: &KeyPair, rng: &SystemRandom, message: &[u8]) -> Vec<u8> {
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, rng, message, &mut signature)
        .expect("sign");
    signature
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
}

fn decode_json_object(text: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&unb64(text)?) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// An encrypted webhook body `{"JWT": "<compact JWE>"}` for the plain event `body`.
pub(crate) fn webhook_body(keys: &ServerKeys, body: &str) -> String {
    json!({ "JWT": keys.seal(body.as_bytes(), keys.tamper.as_deref()).join(".") }).to_string()
}

/// The checks every `/v4` call shares, before its own: the emulator is set up for encrypted
/// mode, `x-merchantid` names a known merchant (strict: `x-routing-id` too), and the body
/// opens. `Ok((merchant, plaintext))`, or the answer.
#[allow(clippy::result_large_err)]
fn open(
    st: &AppState,
    rid: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(String, Vec<u8>), Response> {
    let Some(keys) = &st.encryption else {
        return Err(unauthorized(
            "encrypted mode is not set up on this emulator (start it with --encryption-keys)",
        ));
    };
    let mut required = vec!["x-merchantid"];
    if st.mode == Mode::Strict {
        required.push("x-routing-id");
    }
    for name in required {
        if header_str(headers, name).is_none() {
            return Err(crate::server::bad_request(
                rid,
                &[crate::validate::Problem {
                    field: name.to_string(),
                    reason: "header is required".to_string(),
                    missing: true,
                }],
            ));
        }
    }
    let merchant = header_str(headers, "x-merchantid").unwrap_or_default();
    if !st.credentials.iter().any(|c| c.merchant_id == merchant) {
        return Err(unauthorized("Invalid merchant id"));
    }
    let plaintext = keys
        .open_request(body, st.mode)
        .map_err(|reason| unauthorized(&format!("JWT verification failed: {reason}")))?;
    Ok((merchant.to_string(), plaintext))
}

/// Runs one `/v4` call: open, fault, answer with `handle`, seal a 2xx answer, apply the
/// fault's wrap to what goes out.
async fn serve(
    st: Arc<AppState>,
    rid: String,
    connection: Connection,
    headers: HeaderMap,
    body: Bytes,
    api: Api,
    handle: impl FnOnce(&AppState, &str, &str, &[u8]) -> Response + Send,
) -> Response {
    let opened = open(&st, &rid, &headers, &body);
    // In a block: a borrow of `opened` (which may hold a `Response`, not `Sync`) must not
    // live across the awaits below.
    let (body_fault, tamper) = {
        let field = |name: &str| {
            opened.as_ref().ok().and_then(|(_, plain)| {
                serde_json::from_slice::<Value>(plain)
                    .ok()?
                    .get(name)?
                    .as_str()
                    .map(str::to_owned)
            })
        };
        let tamper = header_str(&headers, "x-emulator-tamper")
            .map(str::to_owned)
            .or_else(|| field("emulator_tamper"));
        (field(FAULT_BODY_FIELD), tamper)
    };
    let pre = count_and_fault(&st, &headers, body_fault.as_deref(), &rid, api, &connection).await;
    let wrap = match pre {
        Pre::Answer(resp) => return resp,
        Pre::Continue(wrap) => wrap,
    };
    let resp = match opened {
        Err(resp) => resp,
        Ok((merchant, plain)) => {
            let resp = handle(&st, &rid, &merchant, &plain);
            seal_answer(&st, resp, tamper.as_deref()).await
        }
    };
    match wrap {
        Some(wrap) => wrap.apply(resp).await,
        None => resp,
    }
}

/// Only 2xx answers are encrypted (.NET HttpClient.cs @622f844e decrypts only
/// `IsSuccessStatusCode` answers); errors stay plain JSON.
async fn seal_answer(st: &AppState, resp: Response, tamper: Option<&str>) -> Response {
    let Some(keys) = &st.encryption else {
        return resp;
    };
    if !resp.status().is_success() {
        return resp;
    }
    let tamper = tamper.or(keys.tamper.as_deref());
    if let Some(t) = tamper {
        if !TAMPER_KINDS.contains(&t) {
            return crate::server::simple_error(
                StatusCode::BAD_REQUEST,
                "invalid_tamper",
                &format!("x-emulator-tamper {t:?} is not one of {TAMPER_KINDS:?}"),
            );
        }
    }
    let (parts, body) = resp.into_parts();
    let Ok(payload) = axum::body::to_bytes(body, usize::MAX).await else {
        return crate::server::simple_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "could not read the answer to encrypt it",
        );
    };
    if tamper == Some("plain") {
        return Response::from_parts(parts, axum::body::Body::from(payload));
    }
    let mut sealed = json_response(parts.status, &keys.seal_envelope(&payload, tamper));
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_LENGTH {
            sealed.headers_mut().insert(name.clone(), value.clone());
        }
    }
    sealed.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    sealed
}

/// `POST /v4/session`: the Session API's JSON, sealed.
pub(crate) async fn session(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        st,
        rid,
        connection,
        headers,
        body,
        Api::Session,
        crate::server::session_answer_for,
    )
    .await
}

/// `POST /v4/order-status`: `{"order_id"}` sealed (.NET OrderService.cs
/// `EncryptedOrderStatus`, Node Order.js `jwePath: '/v4/order-status'`).
pub(crate) async fn order_status(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        st,
        rid,
        connection,
        headers,
        body,
        Api::OrderStatus,
        |st, rid, merchant, plain| {
            let order_id = match serde_json::from_slice::<Value>(plain) {
                Ok(Value::Object(map)) => match map.get("order_id") {
                    Some(Value::String(id)) if !id.is_empty() => id.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                },
                _ => String::new(),
            };
            if order_id.is_empty() {
                return crate::server::bad_request(
                    rid,
                    &[crate::validate::Problem {
                        field: "order_id".to_string(),
                        reason: "is required".to_string(),
                        missing: true,
                    }],
                );
            }
            crate::server::order_status_for(st, rid, merchant, &order_id)
        },
    )
    .await
}

/// `POST /v4/orders/{order_id}/refunds`: the refund's fields as JSON, sealed (.NET
/// OrderService.cs `EncryptedRefundOrder`: `ContentType.Json`).
pub(crate) async fn refund(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let state = st.clone();
    let request_headers = headers.clone();
    serve(
        st,
        rid,
        connection,
        headers,
        body,
        Api::Refund,
        move |_, rid, merchant, plain| {
            crate::refund::refund_answer_for(
                &state,
                rid,
                merchant,
                &order_id,
                &request_headers,
                plain,
                true,
            )
        },
    )
    .await
}
