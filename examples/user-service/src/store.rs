//! The embedded in-memory user store.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::SystemTime;

use crate::users::{Role, User};

/// Users by id, with the next id to hand out.
#[derive(Default)]
pub struct Store {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    users: BTreeMap<String, User>,
    next_id: u64,
}

/// Why a user was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Invalid {
    MissingName,
    BadEmail(String),
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::MissingName => write!(f, "a user needs a name"),
            Invalid::BadEmail(e) => write!(f, "not an email address: {e:?}"),
        }
    }
}

fn now() -> prost_types::Timestamp {
    let d = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    prost_types::Timestamp {
        seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: i32::try_from(d.subsec_nanos()).unwrap_or(0),
    }
}

fn validate(u: &User) -> Result<(), Invalid> {
    if u.name.trim().is_empty() {
        return Err(Invalid::MissingName);
    }
    let at = u.email.find('@');
    if !matches!(at, Some(i) if i > 0 && i + 1 < u.email.len()) {
        return Err(Invalid::BadEmail(u.email.clone()));
    }
    Ok(())
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-made entry:
        // every update is a single insert or remove.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a new user: the server assigns the id and the creation time.
    pub fn create(&self, mut user: User) -> Result<User, Invalid> {
        validate(&user)?;
        let mut g = self.lock();
        g.next_id += 1;
        user.id = format!("u{}", g.next_id);
        user.created_at = Some(now());
        g.users.insert(user.id.clone(), user.clone());
        Ok(user)
    }

    /// Replaces the user with the same id, or creates one when the id is
    /// empty or unknown.
    pub fn upsert(&self, user: User) -> Result<User, Invalid> {
        validate(&user)?;
        let mut g = self.lock();
        match g.users.get_mut(&user.id) {
            Some(existing) if !user.id.is_empty() => {
                let created = existing.created_at;
                *existing = User {
                    created_at: created,
                    ..user
                };
                Ok(existing.clone())
            }
            _ => {
                drop(g);
                self.create(user)
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<User> {
        self.lock().users.get(id).cloned()
    }

    pub fn delete(&self, id: &str) -> Option<User> {
        self.lock().users.remove(id)
    }

    /// Users with `role` (all for `Role::Unspecified`), by id.
    pub fn list(&self, role: Role) -> Vec<User> {
        self.lock()
            .users
            .values()
            .filter(|u| role == Role::Unspecified || u.role == role as i32)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, email: &str) -> User {
        User {
            name: name.into(),
            email: email.into(),
            ..Default::default()
        }
    }

    #[test]
    fn create_get_delete() {
        let s = Store::default();
        let a = s.create(user("Ada", "ada@example.com")).unwrap();
        assert_eq!(a.id, "u1");
        assert!(a.created_at.is_some());
        assert_eq!(s.get("u1").unwrap().name, "Ada");
        assert_eq!(s.delete("u1").unwrap().id, "u1");
        assert!(s.get("u1").is_none());
    }

    #[test]
    fn validation() {
        let s = Store::default();
        assert_eq!(s.create(user(" ", "a@b")), Err(Invalid::MissingName));
        assert!(matches!(
            s.create(user("A", "nope")),
            Err(Invalid::BadEmail(_))
        ));
        assert!(matches!(
            s.create(user("A", "@b")),
            Err(Invalid::BadEmail(_))
        ));
    }

    #[test]
    fn upsert_keeps_creation_time_and_filters_by_role() {
        let s = Store::default();
        let a = s.create(user("Ada", "ada@example.com")).unwrap();
        let mut b = a.clone();
        b.role = Role::Admin as i32;
        b.name = "Ada L.".into();
        b.created_at = None;
        let b = s.upsert(b).unwrap();
        assert_eq!(b.created_at, a.created_at);
        assert_eq!(s.list(Role::Admin).len(), 1);
        assert_eq!(s.list(Role::Member).len(), 0);
        assert_eq!(s.list(Role::Unspecified).len(), 1);
    }
}
