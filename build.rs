//! Builds HarfBuzz's subsetter beside the HarfBuzz that `harfbuzz-sys`
//! compiles from the sources it ships: the files its `harfbuzz-subset`
//! library adds to the core, which `src/fonts/harfbuzz.rs` calls.

fn main() {
    let Some(src) = std::env::var_os("DEP_HARFBUZZ_INCLUDE") else {
        panic!("harfbuzz-sys did not say where its HarfBuzz sources are");
    };
    let src = std::path::PathBuf::from(src);
    let files = [
        "graph/gsubgpos-context.cc",
        "hb-subset-cff-common.cc",
        "hb-subset-cff1.cc",
        "hb-subset-cff2.cc",
        "hb-subset-input.cc",
        "hb-subset-instancer-iup.cc",
        "hb-subset-instancer-solver.cc",
        "hb-subset-plan.cc",
        "hb-subset-repacker.cc",
        "hb-subset.cc",
    ];
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .flag_if_supported("-std=c++11")
        .flag_if_supported("-fno-exceptions")
        .flag_if_supported("-fno-rtti")
        .warnings(false)
        .define("HAVE_PTHREAD", "1")
        .include(&src);
    for f in files {
        build.file(src.join(f));
    }
    build.compile("polybook_harfbuzz_subset");
    println!("cargo:rerun-if-changed=build.rs");
}
