//! TLS 1.3 with pinned certificate fingerprints, both ways.
//!
//! Every store (seat or hub) has its own self-signed certificate, made on first use and kept
//! in its encrypted store. The seat pins the hub's fingerprint at enrolment (the operator
//! types the first characters of it, shown on the hub, along with the one-time code) and the
//! hub pins the seat's. At the TLS layer the hub accepts any client that proves possession of
//! its key; it then looks the fingerprint up among enrolled seats and serves nothing else to
//! anyone else (only the enrolment request is answered).
use std::sync::Arc;

use madoguchi_core::store::sync::{fingerprint, Identity};
use rustls::{
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::CryptoProvider,
    pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime},
    server::danger::{ClientCertVerified, ClientCertVerifier},
    DigitallySignedStruct, DistinguishedName, SignatureScheme,
};

use crate::{Error, Result};

/// The name in every certificate (nothing checks it: the fingerprint is the identity).
pub const CERT_NAME: &str = "madoguchi.invalid";

/// Makes a new identity: an ECDSA P-256 key and a self-signed certificate.
pub fn new_identity() -> madoguchi_core::Result<Identity> {
    let key =
        rcgen::KeyPair::generate().map_err(|e| madoguchi_core::Error::Invalid(e.to_string()))?;
    let params = rcgen::CertificateParams::new(vec![CERT_NAME.to_owned()])
        .map_err(|e| madoguchi_core::Error::Invalid(e.to_string()))?;
    let cert = params
        .self_signed(&key)
        .map_err(|e| madoguchi_core::Error::Invalid(e.to_string()))?;
    let cert_der = cert.der().to_vec();
    Ok(Identity {
        fingerprint: fingerprint(&cert_der),
        cert_der,
        key_der: zeroize::Zeroizing::new(key.serialize_der()),
    })
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn chain(identity: &Identity) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    (
        vec![CertificateDer::from(identity.cert_der.clone())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_der.to_vec())),
    )
}

// Both verifiers check the handshake signature the same way: TLS 1.3 only, with the
// provider's algorithms (the identity check itself is the fingerprint, elsewhere).
fn no_tls12() -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
    Err(rustls::Error::General("TLS 1.2 is not accepted".into()))
}

fn tls13_signature(
    provider: &CryptoProvider,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls13_signature(
        message,
        cert,
        dss,
        &provider.signature_verification_algorithms,
    )
}

/// What the seat expects of the hub's certificate.
#[derive(Debug, Clone)]
pub enum HubPin {
    /// Its whole fingerprint (after enrolment).
    Exact(String),
    /// The first characters of it, as typed at enrolment (at least [`FINGERPRINT_DIGITS`]).
    Prefix(String),
}

#[derive(Debug)]
struct PinnedHub {
    pin: HubPin,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedHub {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let fp = fingerprint(end_entity);
        let ok = match &self.pin {
            HubPin::Exact(p) => fp.eq_ignore_ascii_case(p),
            HubPin::Prefix(p) => {
                p.len() >= FINGERPRINT_DIGITS && fp.starts_with(&p.to_ascii_lowercase())
            }
        };
        if ok {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "the hub's certificate is not the pinned one".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        no_tls12()
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        tls13_signature(&self.provider, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Client (seat) configuration: TLS 1.3 only, our certificate, the hub pinned.
pub fn client_config(identity: &Identity, pin: HubPin) -> Result<Arc<rustls::ClientConfig>> {
    let provider = provider();
    let (certs, key) = chain(identity);
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedHub { pin, provider }))
        .with_client_auth_cert(certs, key)?;
    Ok(Arc::new(config))
}

#[derive(Debug)]
struct ProvenKey {
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for ProvenKey {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    // Any certificate whose key signs the handshake: who it is, is decided by its pinned
    // fingerprint right after (see `hub`).
    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> std::result::Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        no_tls12()
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        tls13_signature(&self.provider, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Server (hub) configuration: TLS 1.3 only, a client certificate required.
pub fn server_config(identity: &Identity) -> Result<Arc<rustls::ServerConfig>> {
    let provider = provider();
    let (certs, key) = chain(identity);
    let config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_client_cert_verifier(Arc::new(ProvenKey { provider }))
        .with_single_cert(certs, key)?;
    Ok(Arc::new(config))
}

/// Hex digits of the hub's fingerprint in an enrolment string: 128 bits, so that a machine on
/// the LAN cannot make a certificate that passes for the hub's (a second preimage of 128 bits
/// of SHA-256 is out of reach; 64 bits would not be for long).
pub const FINGERPRINT_DIGITS: usize = 32;

/// The enrolment string shown by the hub: the one-time code and the first
/// [`FINGERPRINT_DIGITS`] hex digits of the hub's fingerprint in groups of 8, e.g.
/// `K7QM-2XPA-R9TD-5f3a9c0e-12b4d7aa-90c1e2f3-4a5b6c7d`.
pub fn enrolment_string(code: &str, hub_fingerprint: &str) -> String {
    let fp = &hub_fingerprint[..FINGERPRINT_DIGITS];
    let groups: Vec<&str> = (0..FINGERPRINT_DIGITS / 8)
        .map(|i| &fp[i * 8..i * 8 + 8])
        .collect();
    format!("{code}-{}", groups.join("-"))
}

/// Splits an enrolment string into the code and the hub fingerprint prefix (the digits'
/// grouping, spaces and case do not matter; fewer than [`FINGERPRINT_DIGITS`] are refused).
pub fn parse_enrolment(s: &str) -> Result<(String, String)> {
    let s = s.trim();
    let (code, fp) = match (s.get(..14), s.get(14..)) {
        (Some(code), Some(rest)) if rest.starts_with('-') => (code, &rest[1..]),
        _ => return Err(Error::BadEnrolmentCode),
    };
    let fp: String = fp
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    let code_ok = code.split('-').map(str::len).eq([4, 4, 4]);
    if !code_ok || fp.len() < FINGERPRINT_DIGITS || !fp.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::BadEnrolmentCode);
    }
    Ok((code.to_uppercase(), fp))
}
