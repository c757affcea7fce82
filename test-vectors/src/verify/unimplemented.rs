//! The section protee does not implement yet: pickles (olm, megolm and pk). Each recorded
//! pickle gets one SKIP line, so the number of checks still to be made stays visible.

use serde_json::Value;

use super::Checker;

/// Every pickle in the file, wherever it sits (olm included), named by its JSON path: a value
/// under a key containing "pickle", except the top-level `pickle_key` and `empty_pickle_key`
/// (inputs, not pickles).
pub fn pickles(root: &Value, c: &mut Checker) {
    let mut found = Vec::new();
    find_pickles(root, "", &mut found);
    for path in found {
        c.skip(&path);
    }
}

fn find_pickles(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_path = join(path, key);
                let is_pickle_key_input =
                    path.is_empty() && (key == "pickle_key" || key == "empty_pickle_key");
                if key.contains("pickle") && !is_pickle_key_input {
                    pickle_items(child, &child_path, found);
                } else {
                    find_pickles(child, &child_path, found);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_pickles(item, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

/// A pickle is a string (one pickle under the fixed key) or a `{"key", "empty_key", "raw_hex"}`
/// object; any other object groups pickles by name (`final_pickles`, `session_pickles_after`).
/// `null` means there is nothing to pickle (a party without a session).
fn pickle_items(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Null => {}
        Value::Object(map) if !map.contains_key("key") => {
            for (key, child) in map {
                pickle_items(child, &join(path, key), found);
            }
        }
        _ => found.push(path.to_owned()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
