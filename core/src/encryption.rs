//! Encrypted mode: Juspay's JWS-signed, JWE-encrypted calls and webhooks.
//!
//! A request body is signed (JWS, RS256, with the merchant's private key), the signed form is
//! encrypted (JWE, RSA-OAEP-256 key wrap + A256GCM, to Juspay's public key), and sent as
//! `{"header","encryptedKey","iv","encryptedPayload","tag"}`: the five parts of a compact JWE
//! as JSON fields. A 2xx answer comes back the same way in the other direction; an error
//! answer is plain JSON. An encrypted webhook is `{"JWT": "<compact JWE>"}`.
//!
//! Evidence, per rule (read at these commits):
//! - .NET SDK `juspay/expresscheckout-dotnet-sdk` @622f844e `Juspay/Model/_base/JWT.cs`
//!   (JWS header `{"alg":"RS256","kid"}`, JWE header `{"alg":"RSA-OAEP-256","enc":"A256GCM",
//!   "kid"}`, AAD = the encoded header, 32-byte CEK, 12-byte IV, 16-byte tag, replies
//!   decrypted with OAEP-SHA256) and `JuspayJWTRSA.cs` (the two JSON envelopes, one key id
//!   in both headers).
//! - PHP SDK `juspay/expresscheckout-php-sdk` @3a33a1bb `lib/JWT/RSAOAEP256.php` (OAEP with
//!   SHA-256 and MGF1-SHA-256), `lib/JWT/AES256GCM.php`, `lib/Model/JuspayJWT.php` (same
//!   envelopes).
//! - npm `expresscheckout-nodejs` 1.0.0 `dist/esm/security/JWE.js`: sends
//!   `{"alg":"RSA-OAEP","enc":"A256GCM","cty":"JWT"}` with OAEP-SHA1 (Node's default hash),
//!   but decrypts Juspay's replies with `oaepHash: 'sha256'`: Juspay takes both from
//!   merchants and answers with OAEP-SHA256. `JWS.js`: `{"alg":"RS256","kid"}`.
//! - docs.juspay.io/api-reference/docs/express-checkout/jwt-webhook: the webhook body
//!   `{"JWT": ...}`, whose sample header decodes to `{"alg":"RSA-OAEP-256","enc":"A256GCM",
//!   "kid":"key_..."}`.
//!
//! Crypto is aws-lc-rs (AWS-LC): RSA-OAEP decryption there is constant time, unlike the
//! `rsa` crate (RUSTSEC-2023-0071), which matters because an encrypted webhook endpoint
//! lets anyone on the internet submit ciphertexts to the merchant's private key
//! (`docs/encryption.md`). This file only frames: base64url, JSON headers, the checks.

use std::fmt;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{
    KeyPair, OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256,
};
use aws_lc_rs::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use rustls::pki_types::pem::{PemObject, SectionKind};
use serde::{Deserialize, Serialize};

use crate::error::HyperCheckoutError;
use crate::wire::WireCall;

/// The JWE key-wrap algorithm this SDK sends (.NET and PHP SDKs; the webhook sample).
pub const JWE_ALG: &str = "RSA-OAEP-256";
/// The JWE content encryption (every SDK).
pub const JWE_ENC: &str = "A256GCM";
/// The JWS algorithm (every SDK).
pub const JWS_ALG: &str = "RS256";
/// Smallest RSA key accepted: Juspay issues and asks for 2048-bit keys (JWT Encryption
/// Guide, "2048-bit asymmetric key pairs").
pub const MIN_RSA_BITS: usize = 2048;
/// Longest key id accepted (Juspay's are `key_` and 32 hex digits).
pub const KEY_ID_MAX: usize = 128;
/// Longest PEM text accepted for a key.
const PEM_MAX: usize = 64 * 1024;

/// The keys of encrypted mode (Juspay dashboard: Payments » Settings » Security » JWT Keys).
/// The private key is a secret like the API key: `Debug` never shows either PEM.
///
/// Juspay's dashboard shows one key id for a key set, and its SDKs put that one id in both
/// headers: give the same value as the merchant key id and the Juspay key id unless Juspay
/// gave you two.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct EncryptionKeys {
    /// The key id of the merchant key pair, sent as the JWS `kid`.
    pub merchant_key_id: String,
    /// The merchant's RSA private key (at least 2048 bits), PEM: PKCS#8 (`BEGIN PRIVATE
    /// KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`), unencrypted. Signs requests and decrypts
    /// answers and webhooks.
    pub merchant_private_key_pem: String,
    /// The key id of Juspay's public key, sent as the JWE `kid`.
    pub juspay_key_id: String,
    /// Juspay's RSA public key, PEM (`BEGIN PUBLIC KEY`). Encrypts requests and verifies
    /// answers and webhooks.
    pub juspay_public_key_pem: String,
}

impl EncryptionKeys {
    /// Keys from their four parts.
    pub fn new(
        merchant_key_id: impl Into<String>,
        merchant_private_key_pem: impl Into<String>,
        juspay_key_id: impl Into<String>,
        juspay_public_key_pem: impl Into<String>,
    ) -> Self {
        Self {
            merchant_key_id: merchant_key_id.into(),
            merchant_private_key_pem: merchant_private_key_pem.into(),
            juspay_key_id: juspay_key_id.into(),
            juspay_public_key_pem: juspay_public_key_pem.into(),
        }
    }
}

impl fmt::Debug for EncryptionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKeys")
            .field("merchant_key_id", &self.merchant_key_id)
            .field("merchant_private_key_pem", &REDACTED)
            .field("juspay_key_id", &self.juspay_key_id)
            .field("juspay_public_key_pem", &REDACTED)
            .finish()
    }
}

const REDACTED: &str = "[redacted]";

/// Keys checked and parsed, ready to seal and open.
pub(crate) struct Keys {
    merchant_key_id: String,
    signing: KeyPair,
    decrypting: OaepPrivateDecryptingKey,
    juspay_key_id: String,
    /// Juspay's key as PKCS#1 `RSAPublicKey`, for signature verification.
    verifying: Vec<u8>,
    encrypting: OaepPublicEncryptingKey,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("merchant_key_id", &self.merchant_key_id)
            .field("juspay_key_id", &self.juspay_key_id)
            .finish_non_exhaustive()
    }
}

fn config_error(reason: String) -> HyperCheckoutError {
    HyperCheckoutError::Configuration { reason }
}

fn check_key_id(name: &str, id: &str) -> Result<(), HyperCheckoutError> {
    if id.trim().is_empty() {
        return Err(config_error(format!("encryption.{name} is empty")));
    }
    if id.len() > KEY_ID_MAX || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(config_error(format!(
            "encryption.{name} must be at most {KEY_ID_MAX} visible ASCII characters"
        )));
    }
    Ok(())
}

/// The single PEM section of `pem`, with what kind it is. Never echoes the text.
fn pem_section(name: &str, pem: &str) -> Result<(SectionKind, Vec<u8>), HyperCheckoutError> {
    if pem.len() > PEM_MAX {
        return Err(config_error(format!(
            "encryption.{name} is longer than {PEM_MAX} bytes; it is not one PEM key"
        )));
    }
    if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(config_error(format!(
            "encryption.{name} is a password-protected key; give it unencrypted \
             (openssl pkey -in KEY.pem -out plain.pem)"
        )));
    }
    match PemKey::pem_slice_iter(pem.as_bytes()).next() {
        Some(Ok(PemKey(kind, der))) => Ok((kind, der)),
        Some(Err(_)) | None => Err(config_error(format!(
            "encryption.{name} is not a PEM key (expected a -----BEGIN ...----- block)"
        ))),
    }
}

/// A PEM section of any kind: the raw DER with its label.
struct PemKey(SectionKind, Vec<u8>);

impl PemObject for PemKey {
    fn from_pem(kind: SectionKind, der: Vec<u8>) -> Option<Self> {
        Some(PemKey(kind, der))
    }
}

impl Keys {
    /// Checks `keys` and parses them; a `Configuration` error names the key and the reason.
    pub(crate) fn from_config(keys: &EncryptionKeys) -> Result<Keys, HyperCheckoutError> {
        check_key_id("merchant_key_id", &keys.merchant_key_id)?;
        check_key_id("juspay_key_id", &keys.juspay_key_id)?;

        let name = "merchant_private_key_pem";
        let (kind, der) = pem_section(name, &keys.merchant_private_key_pem)?;
        let not_rsa = || {
            config_error(format!(
                "encryption.{name} is not a usable RSA private key (PKCS#8 `BEGIN PRIVATE KEY` \
                 or PKCS#1 `BEGIN RSA PRIVATE KEY`, at least {MIN_RSA_BITS} bits)"
            ))
        };
        let signing = match kind {
            SectionKind::PrivateKey => KeyPair::from_pkcs8(&der).map_err(|_| not_rsa())?,
            SectionKind::RsaPrivateKey => KeyPair::from_der(&der).map_err(|_| not_rsa())?,
            SectionKind::EcPrivateKey => {
                return Err(config_error(format!(
                    "encryption.{name} is an EC key; Juspay's JWT keys are RSA"
                )))
            }
            SectionKind::PublicKey | SectionKind::Certificate => {
                return Err(config_error(format!(
                    "encryption.{name} is a public key or certificate; give the merchant's \
                     private key"
                )))
            }
            _ => return Err(not_rsa()),
        };
        let pkcs8 = signing.as_der().map_err(|_| not_rsa())?;
        let private = PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref()).map_err(|_| not_rsa())?;
        if private.key_size_bits() < MIN_RSA_BITS {
            return Err(config_error(format!(
                "encryption.{name} is a {}-bit key; at least {MIN_RSA_BITS} bits are required",
                private.key_size_bits()
            )));
        }
        let decrypting = OaepPrivateDecryptingKey::new(private).map_err(|_| not_rsa())?;

        let name = "juspay_public_key_pem";
        let (kind, der) = pem_section(name, &keys.juspay_public_key_pem)?;
        if matches!(
            kind,
            SectionKind::PrivateKey | SectionKind::RsaPrivateKey | SectionKind::EcPrivateKey
        ) {
            return Err(config_error(format!(
                "encryption.{name} is a private key; give Juspay's public key \
                 (`BEGIN PUBLIC KEY`)"
            )));
        }
        if kind != SectionKind::PublicKey {
            return Err(config_error(format!(
                "encryption.{name} must be a `BEGIN PUBLIC KEY` PEM (a certificate is not \
                 accepted)"
            )));
        }
        let not_rsa_public = || {
            config_error(format!(
                "encryption.{name} is not an RSA public key of at least {MIN_RSA_BITS} bits"
            ))
        };
        let public = PublicEncryptingKey::from_der(&der).map_err(|_| not_rsa_public())?;
        if public.key_size_bits() < MIN_RSA_BITS {
            return Err(config_error(format!(
                "encryption.{name} is a {}-bit key; at least {MIN_RSA_BITS} bits are required",
                public.key_size_bits()
            )));
        }
        let verifying = aws_lc_rs::rsa::PublicKey::from_der(&der)
            .map_err(|_| not_rsa_public())?
            .as_ref()
            .to_vec();
        if verifying.as_slice() == aws_lc_rs::signature::KeyPair::public_key(&signing).as_ref() {
            return Err(config_error(format!(
                "encryption.{name} is the public half of merchant_private_key_pem; it must be \
                 Juspay's public key"
            )));
        }
        let encrypting = OaepPublicEncryptingKey::new(public).map_err(|_| not_rsa_public())?;
        Ok(Keys {
            merchant_key_id: keys.merchant_key_id.clone(),
            signing,
            decrypting,
            juspay_key_id: keys.juspay_key_id.clone(),
            verifying,
            encrypting,
        })
    }

    /// Signs `body` and encrypts it: the JSON envelope Juspay's `/v4` endpoints take.
    pub(crate) fn seal(&self, body: &str) -> Result<String, HyperCheckoutError> {
        let internal = |what: &str| HyperCheckoutError::Internal {
            reason: format!("could not {what} (request not sent)"),
        };
        let rng = SystemRandom::new();
        // JWS: header and payload base64url, signature over "header.payload" (RFC 7515).
        let jws_header = b64(&serde_json::to_vec(&JwsHeaderOut {
            alg: JWS_ALG,
            kid: &self.merchant_key_id,
        })
        .map_err(|_| internal("encode the JWS header"))?);
        let payload = b64(body.as_bytes());
        let signing_input = format!("{jws_header}.{payload}");
        let mut signature = vec![0; self.signing.public_modulus_len()];
        self.signing
            .sign(
                &RSA_PKCS1_SHA256,
                &rng,
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| internal("sign the request"))?;
        let signed = serde_json::to_string(&SignedOut {
            header: &jws_header,
            payload: &payload,
            signature: &b64(&signature),
        })
        .map_err(|_| internal("encode the signed request"))?;

        // JWE: random CEK and IV, AES-256-GCM with the encoded header as AAD (RFC 7516 5.1).
        let jwe_header = b64(&serde_json::to_vec(&JweHeaderOut {
            alg: JWE_ALG,
            enc: JWE_ENC,
            kid: &self.juspay_key_id,
        })
        .map_err(|_| internal("encode the JWE header"))?);
        let mut cek = [0u8; 32];
        let mut iv = [0u8; NONCE_LEN];
        rng.fill(&mut cek).map_err(|_| internal("draw a key"))?;
        rng.fill(&mut iv).map_err(|_| internal("draw an IV"))?;
        let key = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &cek).map_err(|_| internal("make the AES key"))?,
        );
        let mut ciphertext = signed.into_bytes();
        let tag = key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(iv),
                Aad::from(jwe_header.as_bytes()),
                &mut ciphertext,
            )
            .map_err(|_| internal("encrypt the request"))?;
        let mut wrapped = vec![0; self.encrypting.ciphertext_size()];
        let wrapped = self
            .encrypting
            .encrypt(&OAEP_SHA256_MGF1SHA256, &cek, &mut wrapped, None)
            .map_err(|_| internal("wrap the key"))?;
        serde_json::to_string(&Envelope {
            header: jwe_header,
            encrypted_key: b64(wrapped),
            iv: b64(&iv),
            encrypted_payload: b64(&ciphertext),
            tag: b64(tag.as_ref()),
        })
        .map_err(|_| internal("encode the envelope"))
    }

    /// Decrypts and verifies a JSON envelope (a `/v4` answer); returns the signed payload.
    pub(crate) fn open_envelope(&self, body: &[u8]) -> Result<Vec<u8>, Refused> {
        let envelope: Envelope = serde_json::from_slice(body).map_err(|_| {
            Refused(
                "the answer is not an encrypted envelope \
                 {header, encryptedKey, iv, encryptedPayload, tag}"
                    .into(),
            )
        })?;
        self.open_parts(
            &envelope.header,
            &envelope.encrypted_key,
            &envelope.iv,
            &envelope.encrypted_payload,
            &envelope.tag,
        )
    }

    /// Decrypts and verifies a compact JWE (`a.b.c.d.e`, an encrypted webhook's `JWT`).
    pub(crate) fn open_compact(&self, compact: &str) -> Result<Vec<u8>, Refused> {
        let parts: Vec<&str> = compact.trim().split('.').collect();
        let [header, key, iv, ciphertext, tag] = parts.as_slice() else {
            return Err(Refused(format!(
                "a compact JWE has 5 dot-separated parts, this has {}",
                parts.len()
            )));
        };
        self.open_parts(header, key, iv, ciphertext, tag)
    }

    fn open_parts(
        &self,
        header: &str,
        encrypted_key: &str,
        iv: &str,
        ciphertext: &str,
        tag: &str,
    ) -> Result<Vec<u8>, Refused> {
        let header_json =
            unb64(header).ok_or_else(|| Refused("the JWE header is not base64url".into()))?;
        let jwe: JweHeaderIn = serde_json::from_slice(&header_json).map_err(|e| {
            Refused(format!(
                "the JWE header is not a JSON object of known shape: {e}"
            ))
        })?;
        // Both key-wrap variants Juspay uses: RSA-OAEP-256 in its answers and in the .NET/PHP
        // SDKs, RSA-OAEP (SHA-1) in the Node SDK's requests. Each name means exactly its
        // RFC 7518 4.3 hash; nothing else (no `dir`, no RSA1_5) is accepted.
        let oaep: &'static OaepAlgorithm = match jwe.alg.as_str() {
            "RSA-OAEP-256" => &OAEP_SHA256_MGF1SHA256,
            "RSA-OAEP" => &OAEP_SHA1_MGF1SHA1,
            other => {
                return Err(Refused(format!(
                    "JWE alg {other:?} is not accepted (RSA-OAEP-256 or RSA-OAEP)"
                )))
            }
        };
        if jwe.enc != JWE_ENC {
            return Err(Refused(format!(
                "JWE enc {:?} is not accepted ({JWE_ENC})",
                jwe.enc
            )));
        }
        if jwe.zip.is_some() {
            return Err(Refused("compressed JWE (zip) is not accepted".into()));
        }
        if jwe.crit.is_some() {
            // RFC 7516 4.1.13: extensions named in `crit` must be understood; none are.
            return Err(Refused("JWE crit extensions are not supported".into()));
        }
        self.check_kid("JWE", jwe.kid.as_deref())?;

        let decode = |part: &str, what: &str| {
            unb64(part).ok_or_else(|| Refused(format!("the JWE {what} is not base64url")))
        };
        let wrapped = decode(encrypted_key, "encrypted key")?;
        let iv = decode(iv, "IV")?;
        let mut sealed = decode(ciphertext, "ciphertext")?;
        let tag = decode(tag, "tag")?;
        let iv: [u8; NONCE_LEN] = iv
            .try_into()
            .map_err(|_| Refused(format!("the JWE IV must be {NONCE_LEN} bytes")))?;
        if tag.len() != 16 {
            return Err(Refused("the JWE tag must be 16 bytes".into()));
        }
        // RFC 7516 11.5: a key that fails to unwrap is replaced by a random one and
        // decryption goes on, so that a bad key and a bad tag fail the same way at the same
        // point; an oracle telling them apart is what Bleichenbacher/Marvin-style attacks need.
        let mut cek = [0u8; 32];
        let mut unwrapped = vec![0; self.decrypting.min_output_size()];
        match self
            .decrypting
            .decrypt(oaep, &wrapped, &mut unwrapped, None)
        {
            Ok(key) if key.len() == cek.len() => cek.copy_from_slice(key),
            _ => {
                let _ = SystemRandom::new().fill(&mut cek);
            }
        }
        let key = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, &cek)
                .map_err(|_| Refused("could not decrypt the answer".into()))?,
        );
        sealed.extend_from_slice(&tag);
        let plaintext = key
            .open_in_place(
                Nonce::assume_unique_for_key(iv),
                Aad::from(header.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| {
                Refused(
                    "decryption failed: the key does not match or the content, header or tag \
                     was altered"
                        .into(),
                )
            })?;
        self.verify_signed(plaintext)
    }

    /// Verifies the signed content inside a JWE: the JSON form `{header, payload, signature}`
    /// (every Juspay SDK) or a compact JWS `a.b.c`; returns the payload.
    fn verify_signed(&self, signed: &[u8]) -> Result<Vec<u8>, Refused> {
        let text = std::str::from_utf8(signed)
            .map_err(|_| Refused("the decrypted content is not UTF-8".into()))?
            .trim();
        let (header, payload, signature) = if text.starts_with('{') {
            let signed: SignedIn = serde_json::from_str(text).map_err(|_| {
                Refused("the decrypted content is not a JWS {header, payload, signature}".into())
            })?;
            (signed.header, signed.payload, signed.signature)
        } else {
            let parts: Vec<&str> = text.split('.').collect();
            let [h, p, s] = parts.as_slice() else {
                return Err(Refused(
                    "the decrypted content is not a JWS (JSON or compact)".into(),
                ));
            };
            (h.to_string(), p.to_string(), s.to_string())
        };
        let header_json =
            unb64(&header).ok_or_else(|| Refused("the JWS header is not base64url".into()))?;
        let jws: JwsHeaderIn = serde_json::from_slice(&header_json).map_err(|e| {
            Refused(format!(
                "the JWS header is not a JSON object of known shape: {e}"
            ))
        })?;
        // Exactly RS256: never `none`, never an HMAC keyed with the public key.
        if jws.alg != JWS_ALG {
            return Err(Refused(format!(
                "JWS alg {:?} is not accepted ({JWS_ALG})",
                jws.alg
            )));
        }
        if jws.crit.is_some() {
            return Err(Refused("JWS crit extensions are not supported".into()));
        }
        self.check_kid("JWS", jws.kid.as_deref())?;
        let signature = unb64(&signature)
            .ok_or_else(|| Refused("the JWS signature is not base64url".into()))?;
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.verifying)
            .verify(format!("{header}.{payload}").as_bytes(), &signature)
            .map_err(|_| {
                Refused("the signature does not verify with Juspay's public key".into())
            })?;
        unb64(&payload).ok_or_else(|| Refused("the JWS payload is not base64url".into()))
    }

    /// A `kid` must name one of the configured keys. Juspay's SDKs use one key id for both
    /// headers and do not check it; which id Juspay puts in its answers' headers is not
    /// documented, so either configured id is accepted, and a header without `kid` too
    /// (the tag and the signature, not the `kid`, make the answer authentic).
    fn check_kid(&self, what: &str, kid: Option<&str>) -> Result<(), Refused> {
        match kid {
            None => Ok(()),
            Some(kid) if kid == self.merchant_key_id || kid == self.juspay_key_id => Ok(()),
            Some(_) => Err(Refused(format!(
                "the {what} kid names a key that is not configured"
            ))),
        }
    }
}

/// Why an encrypted answer or webhook was refused (becomes `NotAuthentic`).
#[derive(Debug)]
pub(crate) struct Refused(pub String);

#[derive(Serialize, Deserialize)]
struct Envelope {
    header: String,
    #[serde(rename = "encryptedKey")]
    encrypted_key: String,
    iv: String,
    #[serde(rename = "encryptedPayload")]
    encrypted_payload: String,
    tag: String,
}

#[derive(Serialize)]
struct JwsHeaderOut<'a> {
    alg: &'a str,
    kid: &'a str,
}

#[derive(Serialize)]
struct JweHeaderOut<'a> {
    alg: &'a str,
    enc: &'a str,
    kid: &'a str,
}

#[derive(Serialize)]
struct SignedOut<'a> {
    header: &'a str,
    payload: &'a str,
    signature: &'a str,
}

#[derive(Deserialize)]
struct SignedIn {
    header: String,
    payload: String,
    signature: String,
}

/// Serde refuses a duplicated member, so `{"alg":"RSA-OAEP-256","alg":"none"}` cannot mean
/// two things to two parsers.
#[derive(Deserialize)]
struct JweHeaderIn {
    alg: String,
    enc: String,
    kid: Option<String>,
    zip: Option<serde_json::Value>,
    crit: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct JwsHeaderIn {
    alg: String,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// base64url, padded or not (RFC 7515 says unpadded; Node's `Buffer` decoder, which
/// Juspay's Node SDK uses, takes both).
fn unb64(text: &str) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    LENIENT.decode(text.trim()).ok()
}

/// The `/v4` form of `plain`: POST to `path` with `json` signed and encrypted, the same
/// `version` and `x-routing-id` (every SDK keeps `x-merchantid` and `version` in this mode).
pub(crate) fn encrypted_call(
    keys: &Keys,
    plain: &WireCall,
    path: String,
    json: &str,
) -> Result<WireCall, HyperCheckoutError> {
    Ok(WireCall {
        method: "POST".into(),
        path,
        content_type: Some(crate::wire::JSON_CONTENT_TYPE.into()),
        version: plain.version.clone(),
        routing_id: plain.routing_id.clone(),
        body: Some(keys.seal(json)?),
    })
}

fn not_authentic(reason: String) -> HyperCheckoutError {
    HyperCheckoutError::NotAuthentic { reason }
}

/// Decrypts and verifies a `/v4` answer body (the JSON envelope) with `keys`, as the client
/// does for every 2xx answer in encrypted mode; returns the JSON inside. A body that fails
/// is `NotAuthentic` (never accepted); bad keys are `Configuration`.
#[uniffi::export]
pub fn decrypt_encrypted_answer(
    keys: EncryptionKeys,
    body: String,
) -> Result<String, HyperCheckoutError> {
    crate::runtime::catch_panic(|| {
        let keys = Keys::from_config(&keys)?;
        let payload = keys
            .open_envelope(body.as_bytes())
            .map_err(|Refused(reason)| not_authentic(reason))?;
        String::from_utf8(payload)
            .map_err(|_| not_authentic("the signed payload is not UTF-8".into()))
    })
}

/// Signs and encrypts `json` with `keys` exactly as the client does before sending it to a
/// `/v4` endpoint; returns the envelope. For calls this SDK does not make itself, and for
/// checking interoperability. Bad keys are `Configuration`.
#[uniffi::export]
pub fn encrypt_request_body(
    keys: EncryptionKeys,
    json: String,
) -> Result<String, HyperCheckoutError> {
    crate::runtime::catch_panic(|| Keys::from_config(&keys)?.seal(&json))
}

/// Decrypts and verifies an encrypted webhook body, `{"JWT": "<compact JWE>"}` (Juspay's
/// JWT webhooks, docs.juspay.io/api-reference/docs/express-checkout/jwt-webhook), and reads
/// the event inside as the plain webhook parser does. A body that fails decryption or verification
/// is `NotAuthentic`; a plain (unencrypted) webhook is refused the same way, so a forged
/// plain body cannot pass for an encrypted one. The signature is the webhook's
/// authentication: no Authorization check is needed on top.
#[uniffi::export]
pub fn parse_encrypted_webhook(
    keys: EncryptionKeys,
    body: String,
) -> Result<crate::WebhookEvent, HyperCheckoutError> {
    crate::runtime::catch_panic(|| {
        let keys = Keys::from_config(&keys)?;
        #[derive(Deserialize)]
        struct Wire {
            #[serde(rename = "JWT")]
            jwt: String,
        }
        let wire: Wire = serde_json::from_str(&body).map_err(|_| {
            not_authentic("the webhook is not an encrypted webhook {\"JWT\": \"...\"}".into())
        })?;
        let payload = keys
            .open_compact(&wire.jwt)
            .map_err(|Refused(reason)| not_authentic(reason))?;
        let text = String::from_utf8(payload)
            .map_err(|_| not_authentic("the signed payload is not UTF-8".into()))?;
        crate::parse_webhook(&text)
    })
}
