//! HarfBuzz's subsetter, the reference implementation, which keeps every
//! glyph the font's layout rules can reach from the kept characters (the
//! GSUB and GPOS closure) and the rules themselves. The one file with
//! `unsafe` code: a few calls into the C library, each object freed on
//! every path.
#![allow(unsafe_code)]

use std::collections::BTreeSet;
use std::ffi::{c_char, c_uint};

use harfbuzz_sys as hb;

#[allow(non_camel_case_types)]
#[repr(C)]
struct hb_subset_input_t {
    _private: [u8; 0],
}

// hb_subset_sets_t, from hb-subset.h.
const SETS_NAME_ID: c_uint = 4;
const SETS_LAYOUT_FEATURE_TAG: c_uint = 6;

unsafe extern "C" {
    fn hb_subset_input_create_or_fail() -> *mut hb_subset_input_t;
    fn hb_subset_input_destroy(input: *mut hb_subset_input_t);
    fn hb_subset_input_unicode_set(input: *mut hb_subset_input_t) -> *mut hb::hb_set_t;
    fn hb_subset_input_set(input: *mut hb_subset_input_t, set: c_uint) -> *mut hb::hb_set_t;
    fn hb_subset_or_fail(
        face: *mut hb::hb_face_t,
        input: *const hb_subset_input_t,
    ) -> *mut hb::hb_face_t;
}

/// Frees a HarfBuzz object when dropped.
struct Owned<T>(*mut T, unsafe extern "C" fn(*mut T));

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from the matching create function
            // and is freed once, here.
            unsafe { (self.1)(self.0) }
        }
    }
}

/// Face `index` of `font` cut to `chars`, with every layout feature and the
/// names that carry the family, copyright and licence. `None` when
/// HarfBuzz cannot subset the font.
pub fn subset(font: &[u8], index: u32, chars: &BTreeSet<char>, names: &[u16]) -> Option<Vec<u8>> {
    let len = c_uint::try_from(font.len()).ok()?;
    // SAFETY: HarfBuzz reads `font` only while the blob lives (it is
    // created read-only and freed before this function returns); every
    // pointer is checked before use and freed by its guard.
    unsafe {
        let blob = Owned(
            hb::hb_blob_create(
                font.as_ptr() as *const c_char,
                len,
                hb::HB_MEMORY_MODE_READONLY,
                std::ptr::null_mut(),
                None,
            ),
            hb::hb_blob_destroy,
        );
        let face = Owned(hb::hb_face_create(blob.0, index), hb::hb_face_destroy);
        let input = Owned(hb_subset_input_create_or_fail(), hb_subset_input_destroy);
        if input.0.is_null() {
            return None;
        }
        let unicodes = hb_subset_input_unicode_set(input.0);
        for &c in chars {
            hb::hb_set_add(unicodes, c as u32);
        }
        let features = hb_subset_input_set(input.0, SETS_LAYOUT_FEATURE_TAG);
        hb::hb_set_clear(features);
        hb::hb_set_invert(features);
        let name_ids = hb_subset_input_set(input.0, SETS_NAME_ID);
        for &id in names {
            hb::hb_set_add(name_ids, u32::from(id));
        }
        let cut = Owned(hb_subset_or_fail(face.0, input.0), hb::hb_face_destroy);
        if cut.0.is_null() {
            return None;
        }
        let out = Owned(hb::hb_face_reference_blob(cut.0), hb::hb_blob_destroy);
        let mut length: c_uint = 0;
        let data = hb::hb_blob_get_data(out.0, &mut length);
        if data.is_null() || length == 0 {
            return None;
        }
        Some(std::slice::from_raw_parts(data as *const u8, length as usize).to_vec())
    }
}
