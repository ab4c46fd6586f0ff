//! Store throughput with SQLCipher on and off, in the same run, through the same store code.
//!
//! Run: `cargo bench -p madoguchi-core --features bench-support`. Figures go in the issue notes.
//!
//! With `MADOGUCHI_BENCH_MEMORY_SECURITY=1` the run turns SQLCipher's `cipher_memory_security`
//! on first (freed memory wiped, pages locked); it stays on for the whole process, so compare
//! two runs (docs/threat-model.md holds the figures).
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use madoguchi_core::{
    store::{bench_support, ApplicantId, NewApplicant},
    DataDir, Personal,
};

fn applicant(i: usize) -> NewApplicant {
    NewApplicant {
        name_kanji: Personal::new(format!("計測 太郎{i}")),
        name_kana: Personal::new(format!("ケイソク タロウ{i}")),
        phone: Some(Personal::new(format!("090{:08}", i))),
        birth_date: Some(Personal::new("1980-01-01")),
    }
}

fn bench(c: &mut Criterion) {
    let memory_security = std::env::var("MADOGUCHI_BENCH_MEMORY_SECURITY").is_ok_and(|v| v == "1");
    for encrypted in [true, false] {
        let label = match (encrypted, memory_security) {
            (true, true) => "sqlcipher-memsec",
            (true, false) => "sqlcipher",
            (false, _) => "plaintext",
        };
        let tmp = tempfile::tempdir().unwrap();
        let store = bench_support::scratch_store(&DataDir::at(tmp.path()), encrypted).unwrap();
        if memory_security && encrypted {
            let on = bench_support::memory_security_on(&store).unwrap();
            eprintln!("cipher_memory_security = {on}");
        }
        const ROWS: usize = 20_000;
        let ids: Vec<ApplicantId> = bench_support::in_transaction(&store, || {
            (0..ROWS)
                .map(|i| store.add_applicant(&applicant(i)).map(|a| a.id))
                .collect()
        })
        .unwrap();

        let mut group = c.benchmark_group("insert");
        group.throughput(Throughput::Elements(1));
        let mut n = ROWS;
        group.bench_function(format!("{label}/one-commit-each"), |b| {
            b.iter(|| {
                n += 1;
                store.add_applicant(&applicant(n)).unwrap()
            })
        });
        group.throughput(Throughput::Elements(100));
        group.bench_function(format!("{label}/100-per-commit"), |b| {
            b.iter_batched(
                || (),
                |_| {
                    bench_support::in_transaction(&store, || {
                        for _ in 0..100 {
                            n += 1;
                            store.add_applicant(&applicant(n))?;
                        }
                        Ok(())
                    })
                    .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
        group.finish();

        let mut group = c.benchmark_group("point-query");
        group.throughput(Throughput::Elements(1));
        let mut k = 0usize;
        group.bench_function(format!("{label}/by-id"), |b| {
            b.iter(|| {
                k = (k + 7919) % ids.len();
                store.applicant(ids[k]).unwrap()
            })
        });
        group.bench_function(format!("{label}/by-phone"), |b| {
            b.iter(|| {
                k = (k + 7919) % ROWS;
                store
                    .applicants_by_phone(&Personal::new(format!("090{:08}", k)))
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
