//! The `utility` section: `olm_sha256` and `olm_ed25519_verify`.

use super::Checker;
use super::format::Utility;

pub fn check(utility: &Utility, c: &mut Checker) {
    for (i, case) in utility.sha256.iter().enumerate() {
        let got = protee::utility::sha256(&case.input.hex.0);
        c.eq(&format!("sha256[{i}]"), case.output.as_str(), got.as_str());
    }
    for (i, case) in utility.ed25519_verify.iter().enumerate() {
        let got = protee::utility::ed25519_verify(&case.key, &case.message.hex.0, &case.signature)
            .is_ok();
        c.eq(&format!("ed25519_verify[{i}].valid"), &case.valid, &got);
    }
}
