//! Training mode at the store (研修モード, docs/design/paperwork.md §8): the kind is checked at
//! every open (`Store::unlock`) and fixed in the database by a trigger (migration 0029).

#[cfg(test)]
mod tests {
    use crate::{
        keyfile::{self, KdfCost},
        training_mode::StoreKind,
        DataDir, Error, NewStore, Passphrase, Store,
    };

    fn pass() -> Passphrase {
        Passphrase::new("training passphrase".into())
    }

    fn training_store(dir: &DataDir) -> Store {
        Store::create_training(
            dir,
            &pass(),
            &NewStore {
                site_name: "研修市".into(),
                seat_name: "研修1".into(),
            },
            KdfCost::insecure_for_tests(),
        )
        .unwrap()
    }

    #[test]
    fn the_store_kind_cannot_be_updated_in_the_database() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::at(tmp.path());
        let store = training_store(&dir);
        let refused = store
            .conn()
            .execute("UPDATE store_meta SET kind = 'real' WHERE id = 1", [])
            .unwrap_err();
        assert!(refused.to_string().contains("kind is fixed"), "{refused}");
        // Nor by replacing or removing the row.
        assert!(store
            .conn()
            .execute("DELETE FROM store_meta", [])
            .is_err_and(|e| e.to_string().contains("kind is fixed")));
        assert!(store
            .conn()
            .execute(
                "INSERT OR REPLACE INTO store_meta (id, store_id, site_name, seat_name, created_at, kind)
                 SELECT id, store_id, site_name, seat_name, created_at, 'real' FROM store_meta",
                [],
            )
            .is_err_and(|e| e.to_string().contains("kind is fixed")));
        drop(store);
        assert_eq!(
            Store::open(&dir, &pass()).unwrap().kind(),
            StoreKind::Training
        );
    }

    #[test]
    fn a_key_file_of_the_other_kind_is_refused_at_open() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::at(tmp.path());
        drop(training_store(&dir));
        // Someone with the passphrase rewrites key.age as a real store's (same id and key).
        let mut material = keyfile::read(&dir.key_file(), &pass()).unwrap();
        assert_eq!(material.kind, StoreKind::Training);
        material.kind = StoreKind::Real;
        keyfile::write(
            &dir.key_file(),
            &pass(),
            &material,
            KdfCost::insecure_for_tests(),
        )
        .unwrap();
        match Store::open(&dir, &pass()) {
            Err(Error::StoreKindMismatch { key, db }) => {
                assert_eq!((key.as_str(), db.as_str()), ("real", "training"))
            }
            other => panic!("expected a kind mismatch, got {:?}", other.map(|_| ())),
        }
    }
}
