//! TrueNAS's `ftp.config` JSON object: import and export.
//!
//! The shape is exactly TrueNAS's: its key names, umask strings for the permissions,
//! integer KiB/s for bandwidth, `null` for an unset path or certificate. Certificates
//! are referred to by name, since TrueNAS's numeric ids mean nothing on another system.

use serde_json::{Map, Value as Json};

use super::Rate;
use super::fields::{Field, NO_CERT_REQUEST_TRUENAS_KEY, Settings};
use super::value::{Dialect, Kind, Value};

/// The result of reading a TrueNAS object: the merged settings and notes worth telling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub settings: Settings,
    pub notes: Vec<String>,
}

/// Settings as TrueNAS's `ftp.config` object, keys in screen order.
pub fn export(settings: &Settings) -> Json {
    let mut object = Map::new();
    object.insert("id".into(), Json::from(1));
    for &field in Field::ALL {
        object.insert(field.truenas_key().into(), to_json(field, field.get(settings)));
    }
    Json::Object(object)
}

fn to_json(field: Field, value: Value) -> Json {
    match value {
        Value::Number(n) => Json::from(n),
        Value::Bool(b) => Json::from(b),
        Value::Text(t)
            if t.is_empty() && matches!(field.kind(), Kind::Directory | Kind::Certificate) =>
        {
            Json::Null
        }
        Value::Rate(r) => Json::from(r.kib_per_sec()),
        other => Json::from(other.to_input(Dialect::TrueNas)),
    }
}

/// Reads a TrueNAS `ftp.config` object (whole or partial) over `base`. Every problem is
/// reported as `key: message`; nothing is returned unless all keys were understood.
pub fn import(text: &str, base: &Settings) -> Result<Imported, Vec<String>> {
    let json =
        serde_json::from_str::<Unique>(text).map_err(|e| vec![format!("not valid JSON: {e}")])?.0;
    let Json::Object(object) = json else {
        return Err(vec!["expected a JSON object such as TrueNAS's ftp.config".into()]);
    };
    let mut settings = base.clone();
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    for (key, json) in &object {
        match key.as_str() {
            "id" => continue,
            NO_CERT_REQUEST_TRUENAS_KEY => {
                if json.is_boolean() {
                    notes.push(format!("{key}: ignored; ftpconf never requests client certificates, so this is always in effect"));
                } else {
                    problems.push(format!("{key}: expected true or false"));
                }
                continue;
            }
            _ => {}
        }
        let Some(field) = Field::ALL.iter().copied().find(|f| f.truenas_key() == key) else {
            let hint =
                if key == "rootlogin" { " (root login was removed in TrueNAS 24.10)" } else { "" };
            problems.push(format!("{key}: unknown key{hint}"));
            continue;
        };
        match from_json(field, json) {
            Ok(value) => {
                let _ = field.set(&mut settings, value);
            }
            Err(message) => problems.push(format!("{key}: {message}")),
        }
    }
    if problems.is_empty() { Ok(Imported { settings, notes }) } else { Err(problems) }
}

/// JSON read like `serde_json::Value`, except that an object naming a key twice is
/// refused (serde_json would keep the last one silently, so `{"port":1,"port":2}` would
/// import a value the reader of the file may not have seen).
struct Unique(Json);

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unique, D::Error> {
        d.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::from(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::from(n))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::from(s))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Unique(value) = map.next_value()?;
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key {key:?} appears more than once; give each key once"
                )));
            }
            object.insert(key, value);
        }
        Ok(Json::Object(object))
    }
}

fn from_json(field: Field, json: &Json) -> Result<Value, String> {
    let kind = field.kind();
    let expected = || format!("expected {}, found {}", accepted_json(kind), type_name(json));
    match (kind, json) {
        (Kind::Number { .. } | Kind::PassivePort, Json::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Value::Number)
            .ok_or_else(|| format!("{n} is not {}", kind.accepted())),
        (Kind::Toggle | Kind::TlsOption(_), Json::Bool(b)) => Ok(Value::Bool(*b)),
        (Kind::Directory, Json::Null) => Ok(Value::Text(String::new())),
        (Kind::Certificate, Json::Null) => Ok(Value::Text(String::new())),
        (Kind::Certificate, Json::Number(id)) => Err(format!(
            "{id} is a TrueNAS certificate id, which means nothing here; give the certificate's name instead (NAME for NAME.crt in the certificate directory)"
        )),
        (Kind::Rate, Json::Number(n)) => n
            .as_u64()
            .map(|kib| Value::Rate(Rate(kib)))
            .ok_or_else(|| format!("{n} is not a whole number of KiB/s (0 = unlimited)")),
        (
            Kind::Line
            | Kind::Directory
            | Kind::Certificate
            | Kind::Text
            | Kind::Policy
            | Kind::Permissions,
            Json::String(s),
        ) => field.parse(s, Dialect::TrueNas),
        _ => Err(expected()),
    }
}

fn accepted_json(kind: Kind) -> String {
    match kind {
        Kind::Rate => "a whole number of KiB/s (0 = unlimited)".into(),
        Kind::Permissions => super::mode::ACCEPTED_UMASK.to_owned() + " (a umask, as a string)",
        Kind::Directory | Kind::Certificate => format!("{} as a string, or null", kind.accepted()),
        other => other.accepted(),
    }
}

fn type_name(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
#[path = "truenas_tests.rs"]
mod tests;
