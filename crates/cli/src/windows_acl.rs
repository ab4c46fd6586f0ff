//! Windows: is a file private? The hub's passphrase file must not be readable by every account on
//! the PC. Windows has no mode bits; a file's access list (DACL) says who may read it, and a file
//! made under `C:\ProgramData` inherits "Users may read". `madoguchi hub install-service` writes
//! the file with an access list of its own (Administrators, SYSTEM and the service's account);
//! this check refuses a file whose list still lets a broad group read it.
//!
//! The only unsafe code of the command: two Win32 calls on an open file's handle, and walking
//! the access list they return. Each pointer it reads comes from those calls and is freed once.
#![allow(unsafe_code)]

use std::{fs::File, os::windows::io::AsRawHandle, path::Path};

use anyhow::{bail, Result};
use windows_sys::Win32::{
    Foundation::{LocalFree, ERROR_SUCCESS, GENERIC_ALL, GENERIC_READ},
    Security::{
        Authorization::{ConvertSidToStringSidW, GetSecurityInfo, SE_FILE_OBJECT},
        GetAce, ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, DACL_SECURITY_INFORMATION,
        PSECURITY_DESCRIPTOR,
    },
    Storage::FileSystem::FILE_READ_DATA,
    System::SystemServices::ACCESS_ALLOWED_ACE_TYPE,
};

/// Accounts and groups that stand for "anybody on this PC" (well-known SIDs).
const BROAD: [(&str, &str); 7] = [
    ("S-1-1-0", "Everyone"),
    ("S-1-5-11", "Authenticated Users"),
    ("S-1-5-32-545", "Users"),
    ("S-1-5-32-546", "Guests"),
    ("S-1-5-4", "Interactive"),
    ("S-1-5-2", "Network"),
    ("S-1-5-7", "Anonymous"),
];

/// Fails if the access list of the open `file` lets a broad group read it, or has no list at all
/// (which grants everyone everything).
pub fn refuse_if_others_may_read(file: &File, path: &Path) -> Result<()> {
    let readers = broad_readers(file)?;
    if !readers.is_empty() {
        bail!(
            "{} may be read by {}: give it an access list of its own (madoguchi hub install-service does; see the operator manual 6-14)",
            path.display(),
            readers.join(", ")
        );
    }
    Ok(())
}

/// The broad groups the access list lets read the file (`Everyone` for a file without a list).
fn broad_readers(file: &File) -> Result<Vec<&'static str>> {
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: the handle is open for reading (which includes READ_CONTROL); on success the
    // system allocates `descriptor`, which holds `dacl`, and we free it below.
    let status = unsafe {
        GetSecurityInfo(
            file.as_raw_handle() as _,
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut dacl,
            std::ptr::null_mut(),
            &mut descriptor,
        )
    };
    if status != ERROR_SUCCESS {
        bail!("cannot read the file's access list (Windows error {status})");
    }
    let readers = if dacl.is_null() {
        vec!["Everyone"]
    } else {
        // SAFETY: `dacl` points into `descriptor`, alive until the LocalFree below.
        unsafe { readers_in(dacl) }
    };
    // SAFETY: allocated by GetSecurityInfo, freed once.
    unsafe { LocalFree(descriptor as _) };
    Ok(readers)
}

/// SAFETY: `dacl` must point to a valid access list.
unsafe fn readers_in(dacl: *mut ACL) -> Vec<&'static str> {
    const READS: u32 = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;
    let mut found = Vec::new();
    for index in 0..(*dacl).AceCount as u32 {
        let mut ace: *mut core::ffi::c_void = std::ptr::null_mut();
        if GetAce(dacl, index, &mut ace) == 0 || ace.is_null() {
            continue;
        }
        let header = &*(ace as *const ACE_HEADER);
        if u32::from(header.AceType) != ACCESS_ALLOWED_ACE_TYPE {
            continue; // deny entries only take away; object and callback entries are not used here
        }
        let allowed = &*(ace as *const ACCESS_ALLOWED_ACE);
        if allowed.Mask & READS == 0 {
            continue;
        }
        let sid = std::ptr::addr_of!(allowed.SidStart) as *mut core::ffi::c_void;
        let mut text: *mut u16 = std::ptr::null_mut();
        if ConvertSidToStringSidW(sid, &mut text) == 0 || text.is_null() {
            continue;
        }
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
        LocalFree(text as _);
        if let Some((_, name)) = BROAD.iter().find(|(s, _)| *s == sid) {
            if !found.contains(name) {
                found.push(*name);
            }
        }
    }
    found
}
