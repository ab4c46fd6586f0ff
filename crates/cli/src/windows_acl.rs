//! Windows: is a file private? The hub's passphrase file must be readable by the hub and the
//! PC's administrators only. Windows has no mode bits; a file's access list (DACL) says who may
//! read it, and a file made under `C:\ProgramData` inherits "Users may read".
//! `madoguchi hub install-service` makes the file's folder private and gives the file a list of
//! its own (Administrators, SYSTEM and the service's account); this check refuses any file whose
//! list lets anyone else read it, or change the list so that they could.
//!
//! An allow list: every entry that grants read, generic or all rights, or the right to change
//! the list or the owner, must be for SYSTEM, Administrators, a service's own account
//! (`NT SERVICE\…`, S-1-5-80-…) or the file's owner (who can always rewrite the list); a file
//! without a list (everyone may do everything) is refused, and so is an entry of a kind this
//! check does not read.
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
        GetAce, ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, DACL_SECURITY_INFORMATION, INHERIT_ONLY_ACE,
        OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID,
    },
    Storage::FileSystem::{FILE_READ_DATA, WRITE_DAC, WRITE_OWNER},
    System::SystemServices::{
        ACCESS_ALLOWED_ACE_TYPE, ACCESS_ALLOWED_CALLBACK_ACE_TYPE,
        ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE, ACCESS_ALLOWED_OBJECT_ACE_TYPE,
    },
};

/// Rights that read the file, or let the holder give themselves that.
const READS: u32 = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL | WRITE_DAC | WRITE_OWNER;

/// Who may read the file besides its owner: SYSTEM, Administrators, and services' own accounts.
fn trusted(sid: &str) -> bool {
    sid == "S-1-5-18" || sid == "S-1-5-32-544" || sid.starts_with("S-1-5-80-")
}

/// Names for the well-known groups a message may mention.
fn name(sid: &str) -> String {
    match sid {
        "S-1-1-0" => "Everyone".into(),
        "S-1-5-11" => "Authenticated Users".into(),
        "S-1-5-32-545" => "Users".into(),
        "S-1-5-32-546" => "Guests".into(),
        "S-1-5-4" => "Interactive".into(),
        "S-1-5-2" => "Network".into(),
        "S-1-5-7" => "Anonymous".into(),
        s if s.starts_with("S-1-5-21-") && s.ends_with("-513") => "Domain Users".into(),
        s => s.to_owned(),
    }
}

/// Fails if the access list of the open `file` lets anyone but SYSTEM, Administrators, a
/// service's account or the file's owner read it (or has no list at all).
pub fn refuse_if_others_may_read(file: &File, path: &Path) -> Result<()> {
    let readers = other_readers(file)?;
    if !readers.is_empty() {
        bail!(
            "{} may be read by {}: give it an access list of its own (madoguchi hub install-service does; see the operator manual 6-14)",
            path.display(),
            readers.join(", ")
        );
    }
    Ok(())
}

/// Who else the access list lets read the file (`Everyone` for a file without a list).
fn other_readers(file: &File) -> Result<Vec<String>> {
    let mut owner: PSID = std::ptr::null_mut();
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: the handle is open for reading (which includes READ_CONTROL); on success the
    // system allocates `descriptor`, which holds `owner` and `dacl`, and we free it below.
    let status = unsafe {
        GetSecurityInfo(
            file.as_raw_handle() as _,
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION,
            &mut owner,
            std::ptr::null_mut(),
            &mut dacl,
            std::ptr::null_mut(),
            &mut descriptor,
        )
    };
    if status != ERROR_SUCCESS {
        bail!("cannot read the file's access list (Windows error {status})");
    }
    // SAFETY: `owner` and `dacl` point into `descriptor`, alive until the LocalFree below.
    let readers = unsafe {
        let owner = sid_text(owner);
        if dacl.is_null() {
            vec!["Everyone".to_owned()]
        } else {
            readers_in(dacl, owner.as_deref())
        }
    };
    // SAFETY: allocated by GetSecurityInfo, freed once.
    unsafe { LocalFree(descriptor as _) };
    Ok(readers)
}

/// SAFETY: `dacl` must point to a valid access list.
unsafe fn readers_in(dacl: *mut ACL, owner: Option<&str>) -> Vec<String> {
    let mut found = Vec::new();
    for index in 0..(*dacl).AceCount as u32 {
        let mut ace: *mut core::ffi::c_void = std::ptr::null_mut();
        if GetAce(dacl, index, &mut ace) == 0 || ace.is_null() {
            found.push("an entry that cannot be read".to_owned());
            continue;
        }
        let header = &*(ace as *const ACE_HEADER);
        if u32::from(header.AceFlags) & INHERIT_ONLY_ACE != 0 {
            continue; // for files made in a folder, not for this file
        }
        let kind = u32::from(header.AceType);
        if [
            ACCESS_ALLOWED_OBJECT_ACE_TYPE,
            ACCESS_ALLOWED_CALLBACK_ACE_TYPE,
            ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE,
        ]
        .contains(&kind)
        {
            found.push(format!("an allow entry of kind {kind}"));
            continue;
        }
        if kind != ACCESS_ALLOWED_ACE_TYPE {
            continue; // deny and audit entries give nothing
        }
        let allowed = &*(ace as *const ACCESS_ALLOWED_ACE);
        if allowed.Mask & READS == 0 {
            continue;
        }
        let sid = std::ptr::addr_of!(allowed.SidStart) as PSID;
        let who = sid_text(sid).unwrap_or_else(|| "an account that cannot be read".to_owned());
        if trusted(&who) || Some(who.as_str()) == owner {
            continue;
        }
        let who = name(&who);
        if !found.contains(&who) {
            found.push(who);
        }
    }
    found
}

/// SAFETY: `sid` must be null or point to a valid SID.
unsafe fn sid_text(sid: PSID) -> Option<String> {
    if sid.is_null() {
        return None;
    }
    let mut text: *mut u16 = std::ptr::null_mut();
    if ConvertSidToStringSidW(sid, &mut text) == 0 || text.is_null() {
        return None;
    }
    let len = (0..).take_while(|&i| *text.add(i) != 0).count();
    let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
    LocalFree(text as _);
    Some(sid)
}
