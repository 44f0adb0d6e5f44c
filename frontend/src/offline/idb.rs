//! The little of IndexedDB the offline store needs: one database of string values under
//! string keys in a few object stores, each request awaited as a future.
//!
//! Every value is a JSON string the caller wrote, so nothing here knows the app's types.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The database's name and version; a new object store means a new version.
const NAME: &str = "credence-offline";
const VERSION: u32 = 1;

/// Its object stores.
pub const ANSWERS: &str = "answers";
pub const CARDS: &str = "cards";
pub const QUEUE: &str = "queue";
const STORES: [&str; 3] = [ANSWERS, CARDS, QUEUE];

/// Why the store did not do what it was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdbError {
    /// No IndexedDB here (an old browser, or storage turned off).
    #[error("IndexedDB is not available")]
    Unavailable,
    /// The browser's storage quota for the site is used up.
    #[error("storage quota exceeded")]
    Quota,
    #[error("IndexedDB: {0}")]
    Failed(String),
}

impl IdbError {
    fn from_js(value: &JsValue) -> Self {
        let name = js_sys::Reflect::get(value, &JsValue::from_str("name"))
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        if name == "QuotaExceededError" {
            return IdbError::Quota;
        }
        IdbError::Failed(if name.is_empty() {
            format!("{value:?}")
        } else {
            name
        })
    }
}

thread_local! {
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Waits for a request; its `error` (a `DOMException`) when it fails.
async fn settled(request: &IdbRequest) -> Result<JsValue, IdbError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request
            .result()
            .map_err(|e| IdbError::Failed(format!("{e:?}"))),
        Err(_) => Err(request
            .error()
            .ok()
            .flatten()
            .map(|e| IdbError::from_js(&e.into()))
            .unwrap_or_else(|| IdbError::Failed("request failed".into()))),
    }
}

/// Waits for a write transaction to commit. A quota error surfaces here, as an abort.
async fn committed(tx: &IdbTransaction) -> Result<(), IdbError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(tx
            .error()
            .map(|e| IdbError::from_js(&e.into()))
            .unwrap_or_else(|| IdbError::Failed("transaction aborted".into()))),
    }
}

async fn database() -> Result<IdbDatabase, IdbError> {
    if let Some(db) = OPEN.with(|open| open.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(IdbError::Unavailable)?;
    let request = factory
        .open_with_u32(NAME, VERSION)
        .map_err(|e| IdbError::from_js(&e))?;
    let upgrade = {
        let request = request.clone();
        Closure::<dyn FnMut()>::new(move || {
            let Ok(db) = request.result().and_then(|r| r.dyn_into::<IdbDatabase>()) else {
                return;
            };
            let existing = db.object_store_names();
            for store in STORES {
                if !existing.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        })
    };
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = settled(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = db?
        .dyn_into()
        .map_err(|_| IdbError::Failed("not a database".into()))?;
    OPEN.with(|open| *open.borrow_mut() = Some(db.clone()));
    Ok(db)
}

fn store(
    db: &IdbDatabase,
    name: &str,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore), IdbError> {
    let tx = db
        .transaction_with_str_and_mode(name, mode)
        .map_err(|e| IdbError::from_js(&e))?;
    let store = tx.object_store(name).map_err(|e| IdbError::from_js(&e))?;
    Ok((tx, store))
}

/// The value under `key`, if there is one.
pub async fn get(name: &str, key: &str) -> Result<Option<String>, IdbError> {
    let db = database().await?;
    let (_tx, store) = store(&db, name, IdbTransactionMode::Readonly)?;
    let request = store
        .get(&JsValue::from_str(key))
        .map_err(|e| IdbError::from_js(&e))?;
    Ok(settled(&request).await?.as_string())
}

/// Every key and value of a store, in key order.
pub async fn all(name: &str) -> Result<Vec<(String, String)>, IdbError> {
    let db = database().await?;
    let (_tx, store) = store(&db, name, IdbTransactionMode::Readonly)?;
    let keys = store.get_all_keys().map_err(|e| IdbError::from_js(&e))?;
    let values = store.get_all().map_err(|e| IdbError::from_js(&e))?;
    let keys: Array = settled(&keys).await?.unchecked_into();
    let values: Array = settled(&values).await?.unchecked_into();
    Ok(keys
        .iter()
        .zip(values.iter())
        .filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?)))
        .collect())
}

/// Writes (or replaces) values and deletes keys, in one transaction of one store.
pub async fn write(name: &str, put: &[(&str, &str)], delete: &[&str]) -> Result<(), IdbError> {
    let db = database().await?;
    let (tx, store) = store(&db, name, IdbTransactionMode::Readwrite)?;
    for (key, value) in put {
        store
            .put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
            .map_err(|e| IdbError::from_js(&e))?;
    }
    for key in delete {
        store
            .delete(&JsValue::from_str(key))
            .map_err(|e| IdbError::from_js(&e))?;
    }
    committed(&tx).await
}

/// Deletes the whole database (sign-out): this page's connection is closed first, and the
/// browser finishes the deletion even when the page leaves at once (for the issuer's
/// sign-out). Nothing awaited, so the sign-in page's code stays small.
pub fn wipe() {
    if let Some(db) = OPEN.with(|open| open.borrow_mut().take()) {
        db.close();
    }
    if let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) {
        let _ = factory.delete_database(NAME);
    }
}
