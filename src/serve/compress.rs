//! Which responses go out gzipped, when the client's `Accept-Encoding` asks for it: text that
//! shrinks (the round and submissions as JSON, CSV, Markdown, the OpenAPI document, the page's
//! HTML, scripts and styles) and is large enough for it to pay. Never a body compressed
//! already (XLSX, DOCX and ZIP are zip packages: gzip would spend time to gain nothing), never
//! a stream of events (gzip would hold them back), and never a conversion's answer (`POST
//! /convert`, marked [`Uncompressed`]): systems send forms there one after another from
//! nearby, where gzip's time per answer would cost more than its bytes save, and the load
//! benchmark measures conversions, not compression. Only gzip: every client has it, and
//! brotli would add a large crate for a few per cent on text this size.

use axum::http::{HeaderValue, header};
use axum::response::Response;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};

/// Below this many bytes a body goes as it is: gzip's header and the round trip it saves
/// weigh more than the bytes.
const MIN_SIZE: u16 = 1024;

/// Marks a response never to be compressed (a response extension).
#[derive(Debug, Clone, Copy)]
pub struct Uncompressed;

/// `res`, marked [`Uncompressed`].
pub async fn uncompressed(mut res: Response) -> Response {
    res.extensions_mut().insert(Uncompressed);
    res
}

/// The compression layer, for the responses [`Compressible`] lets through.
pub fn layer() -> CompressionLayer<impl Predicate> {
    // Only gzip is built in (the `compression-gzip` feature): it is the one offered.
    CompressionLayer::new().compress_when(SizeAbove::new(MIN_SIZE).and(Compressible))
}

/// Text, and not marked [`Uncompressed`].
#[derive(Debug, Clone, Copy)]
pub struct Compressible;

impl Predicate for Compressible {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response.extensions().get::<Uncompressed>().is_none()
            && response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(is_text)
    }
}

/// Whether a media type is text that gzip shrinks.
fn is_text(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    match kind {
        "text" => sub != "event-stream",
        "application" => {
            matches!(sub, "json" | "javascript" | "xml")
                || sub.ends_with("+json")
                || sub.ends_with("+xml")
        }
        "image" => sub == "svg+xml",
        _ => false,
    }
}

/// A strong `ETag` names one representation's exact bytes; gzipped, the bytes differ, so the
/// tag goes out weak (RFC 9110 §8.8.1). `If-None-Match` compares weakly: `304` still comes.
pub async fn weak_etag_when_encoded(mut res: Response) -> Response {
    if !res.headers().contains_key(header::CONTENT_ENCODING) {
        return res;
    }
    let weak = res
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .filter(|tag| !tag.starts_with("W/"))
        .and_then(|tag| HeaderValue::from_str(&format!("W/{tag}")).ok());
    if let Some(weak) = weak {
        res.headers_mut().insert(header::ETAG, weak);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_compressed_and_zip_packages_and_events_are_not() {
        for yes in [
            "application/json",
            "application/problem+json",
            "text/csv; charset=utf-8",
            "text/markdown; charset=utf-8",
            "text/html; charset=utf-8",
            "text/css",
            "application/javascript",
            "image/svg+xml",
        ] {
            assert!(is_text(yes), "{yes}");
        }
        for no in [
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
            "text/event-stream",
            "image/png",
            "",
        ] {
            assert!(!is_text(no), "{no}");
        }
    }
}
