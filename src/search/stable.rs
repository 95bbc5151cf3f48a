//! Pagefind's bundle made the same for the same records: Pagefind orders
//! the values of each filter, and the filters in its metadata, by a hash
//! map seeded at random (a to-do in its own source), so the filter files,
//! the metadata and their names change from one build to the next. This
//! sorts both and names the files by their new contents, so a build's
//! output depends only on its inputs, as every other file brief writes.

use ciborium::Value;
use std::collections::HashMap;
use std::io::{Read, Write};

/// The marker Pagefind puts before the CBOR of every file it gzips.
const SIGNATURE: &[u8] = b"pagefind_dcd";

/// `files` (names relative to the bundle, with their bytes) with each
/// filter's values sorted, the metadata's filters sorted, and both kinds
/// of file named by a hash of their contents; `pagefind-entry.json`
/// names the new metadata.
pub fn stabilise(files: Vec<(String, Vec<u8>)>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(files.len());
    let mut metas = Vec::new();
    let mut entry = None;
    for (name, bytes) in files {
        if let Some(hash) = name
            .strip_prefix("filter/")
            .and_then(|n| n.strip_suffix(".pf_filter"))
        {
            let mut value = decode(&bytes)?;
            sort_filter(&mut value);
            let bytes = encode(&value)?;
            let new = rename(hash, &bytes);
            out.push((format!("filter/{new}.pf_filter"), bytes));
            renamed.insert(hash.to_string(), new);
        } else if name.ends_with(".pf_meta") {
            metas.push((name, bytes));
        } else if name == "pagefind-entry.json" {
            entry = Some(bytes);
        } else {
            out.push((name, bytes));
        }
    }
    let mut entry: serde_json::Value =
        serde_json::from_slice(&entry.ok_or("no pagefind-entry.json")?)
            .map_err(|e| format!("pagefind-entry.json: {e}"))?;
    for (name, bytes) in metas {
        let hash = name
            .strip_prefix("pagefind.")
            .and_then(|n| n.strip_suffix(".pf_meta"))
            .ok_or_else(|| format!("unexpected metadata file `{name}`"))?;
        let mut value = decode(&bytes)?;
        sort_meta(&mut value, &renamed);
        let bytes = encode(&value)?;
        let new = rename(hash, &bytes);
        if let Some(languages) = entry.get_mut("languages").and_then(|l| l.as_object_mut()) {
            for language in languages.values_mut() {
                if language.get("hash").and_then(|h| h.as_str()) == Some(hash) {
                    language["hash"] = serde_json::Value::String(new.clone());
                }
            }
        }
        out.push((format!("pagefind.{new}.pf_meta"), bytes));
    }
    let entry = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
    out.push(("pagefind-entry.json".to_string(), entry));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// A file's new name: its language prefix (`en_`) kept, then a hash of
/// its contents.
fn rename(old: &str, bytes: &[u8]) -> String {
    let language = old.rsplit_once('_').map_or("", |(l, _)| l);
    // FNV-1a, 64 bits: stable across builds and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{language}_{h:016x}")
}

/// A filter file is `[name, [[value, [page…]]…]]`: values sorted by name.
fn sort_filter(value: &mut Value) {
    if let Some(Value::Array(values)) = value.as_array_mut().and_then(|a| a.get_mut(1)) {
        values.sort_by(|a, b| first_text(a).cmp(first_text(b)));
    }
}

/// The metadata is `[version, pages, chunks, [[filter, hash]…], sorts,
/// fields]`: filters sorted by name and pointed at their new files.
fn sort_meta(value: &mut Value, renamed: &HashMap<String, String>) {
    if let Some(Value::Array(filters)) = value.as_array_mut().and_then(|a| a.get_mut(3)) {
        for f in filters.iter_mut() {
            if let Some(Value::Text(hash)) = f.as_array_mut().and_then(|a| a.get_mut(1))
                && let Some(new) = renamed.get(hash.as_str())
            {
                *hash = new.clone();
            }
        }
        filters.sort_by(|a, b| first_text(a).cmp(first_text(b)));
    }
}

/// The first element of an array, as text (empty if it is not).
fn first_text(v: &Value) -> &str {
    v.as_array()
        .and_then(|a| a.first())
        .and_then(|f| f.as_text())
        .unwrap_or("")
}

/// A gzipped, signed CBOR file's value.
fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut plain)
        .map_err(|e| format!("a search index file could not be unpacked: {e}"))?;
    let body = plain
        .strip_prefix(SIGNATURE)
        .ok_or("a search index file has no Pagefind signature")?;
    ciborium::from_reader(body).map_err(|e| format!("a search index file could not be read: {e}"))
}

/// `value` as Pagefind writes it: signed, CBOR, gzipped (with no time in
/// the header, so the bytes depend only on the value).
fn encode(value: &Value) -> Result<Vec<u8>, String> {
    let mut plain = SIGNATURE.to_vec();
    ciborium::into_writer(value, &mut plain).map_err(|e| e.to_string())?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&plain).map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn filter_values_and_metadata_filters_are_sorted_and_renamed() {
        let filter = |order: [&str; 2]| {
            Value::Array(vec![
                text("tag"),
                Value::Array(
                    order
                        .iter()
                        .map(|v| {
                            Value::Array(vec![
                                text(v),
                                Value::Array(vec![Value::Integer(1.into())]),
                            ])
                        })
                        .collect(),
                ),
            ])
        };
        let meta = |hashes: [&str; 2]| {
            Value::Array(vec![
                text("1.5.2"),
                Value::Array(vec![]),
                Value::Array(vec![]),
                Value::Array(vec![
                    Value::Array(vec![text("year"), text(hashes[0])]),
                    Value::Array(vec![text("tag"), text(hashes[1])]),
                ]),
                Value::Array(vec![]),
                Value::Array(vec![]),
            ])
        };
        let bundle = |order: [&str; 2], hash: &str| {
            vec![
                (
                    "filter/en_aaa.pf_filter".to_string(),
                    encode(&filter(order)).unwrap(),
                ),
                (
                    format!("pagefind.en_{hash}.pf_meta"),
                    encode(&meta(["en_bbb", "en_aaa"])).unwrap(),
                ),
                (
                    "pagefind-entry.json".to_string(),
                    format!("{{\"languages\":{{\"en\":{{\"hash\":\"en_{hash}\"}}}}}}").into_bytes(),
                ),
                ("pagefind.js".to_string(), b"js".to_vec()),
            ]
        };
        let one = stabilise(bundle(["Niger", "Mali"], "111")).unwrap();
        let two = stabilise(bundle(["Mali", "Niger"], "222")).unwrap();
        assert_eq!(one, two, "the same records give the same files");
        let names: Vec<&str> = one.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names[0].starts_with("filter/en_") && names[0] != "filter/en_aaa.pf_filter");
        let filter_hash = &names[0]["filter/".len()..names[0].len() - ".pf_filter".len()];
        let values = decode(&one[0].1).unwrap();
        assert_eq!(values, filter(["Mali", "Niger"]));
        let meta_file = names.iter().find(|n| n.ends_with(".pf_meta")).unwrap();
        let meta_hash = &meta_file["pagefind.".len()..meta_file.len() - ".pf_meta".len()];
        let (_, meta_bytes) = one.iter().find(|(n, _)| n == meta_file).unwrap();
        let filters = decode(meta_bytes).unwrap().as_array().unwrap()[3].clone();
        // Sorted by name, the renamed filter pointed at its new file; a
        // filter whose file is not in the bundle keeps its name.
        assert_eq!(
            filters,
            Value::Array(vec![
                Value::Array(vec![text("tag"), text(filter_hash)]),
                Value::Array(vec![text("year"), text("en_bbb")]),
            ])
        );
        let (_, entry) = one
            .iter()
            .find(|(n, _)| n == "pagefind-entry.json")
            .unwrap();
        assert!(String::from_utf8_lossy(entry).contains(&format!("\"hash\":\"{meta_hash}\"")));
    }
}
