//! The `sas` section: both sides of libolm's SAS verification made from their recorded random
//! bytes, each agreeing on the shared secret with the other side's recorded public key, then
//! every `olm_sas_generate_bytes` output and every MAC in libolm's three variants, from both
//! sides.
//!
//! libolm's names differ from protee's: `olm_sas_calculate_mac` is the variant with the
//! in-place base64 bug (protee `calculate_mac_invalid_base64`),
//! `olm_sas_calculate_mac_fixed_base64` the correct one (protee `calculate_mac`),
//! `olm_sas_calculate_mac_long_kdf` the 256-byte-key one with the same bug (protee
//! `calculate_mac_long_kdf`). The generator asserted that both
//! sides give the one recorded value, so each check here passes only if both protee sides give
//! it too.

use protee::SasError;
use protee::sas::{EstablishedSas, Sas};

use super::Checker;
use super::format::{self, Party, Random, SasSide};
use crate::replay_rng::ReplayRng;

pub fn check(sas: &format::Sas, c: &mut Checker) {
    let alice = side("alice", &sas.alice, c);
    let bob = side("bob", &sas.bob, c);
    let (Some(alice), Some(bob)) = (alice, bob) else {
        return;
    };
    let established = [
        establish("alice", alice, &sas.bob.public_key, c),
        establish("bob", bob, &sas.alice.public_key, c),
    ];
    let [Some(alice), Some(bob)] = established else {
        return;
    };
    let sides = Sides { alice, bob };

    for (i, entry) in sas.generate_bytes.iter().enumerate() {
        generate_bytes(&format!("generate_bytes[{i}]"), entry, &sides, c);
    }
    for (i, entry) in sas.macs.iter().enumerate() {
        mac(&format!("macs[{i}]"), entry, &sides, c);
    }
}

/// Passes iff protee drew exactly the recorded random bytes: all of them, and no more.
pub(super) fn random_used(name: &str, rng: &ReplayRng, recorded: &Random, c: &mut Checker) {
    c.ok(name, rng.exactly_consumed(), || {
        format!(
            "expected exactly the {} recorded random bytes to be drawn, protee drew {}",
            recorded.length,
            rng.consumed()
        )
    });
}

/// `olm_create_sas` with the recorded random bytes. `None` (after a FAIL) if the public key
/// differs: nothing after it could agree with libolm. spec/sas-pk.md SAS-KEY-1: exactly 32
/// bytes, used as the secret.
fn side(name: &str, recorded: &SasSide, c: &mut Checker) -> Option<Sas> {
    let mut rng = ReplayRng::new(recorded.random.bytes.clone());
    let sas = Sas::new_with_rng(&mut rng);
    random_used(&format!("{name}.random.used"), &rng, &recorded.random, c);
    let public_key = sas.public_key().to_base64();
    c.eq(
        &format!("{name}.public_key"),
        recorded.public_key.as_str(),
        &public_key,
    )
    .then_some(sas)
}

/// `olm_sas_set_their_key` with the other side's recorded public key (spec/sas-pk.md SAS-DH-2;
/// SAS-DH-1 is checked by both sides then agreeing on every output).
fn establish(name: &str, sas: Sas, their_key: &str, c: &mut Checker) -> Option<EstablishedSas> {
    let name = format!("{name}.diffie_hellman");
    match sas.diffie_hellman_with_base64(their_key) {
        Ok(established) => {
            c.pass(&name);
            Some(established)
        }
        Err(e) => {
            c.fail(
                &name,
                &format!("libolm accepted the key {their_key:?}, protee refused it: {e}"),
            );
            None
        }
    }
}

struct Sides {
    alice: EstablishedSas,
    bob: EstablishedSas,
}

impl Sides {
    /// Passes iff `compute` gives libolm's `expected` on both sides; a failure names the sides
    /// that differ.
    fn eq<T: PartialEq + std::fmt::Debug + ?Sized>(
        &self,
        name: &str,
        expected: &T,
        compute: impl Fn(&EstablishedSas) -> Box<T>,
        c: &mut Checker,
    ) {
        let mut differences = Vec::new();
        for party in Party::BOTH {
            let got = compute(self.get(party));
            if *got != *expected {
                differences.push(format!("{}: got {got:?}", party.name()));
            }
        }
        c.ok(name, differences.is_empty(), || {
            format!("expected {expected:?}; {}", differences.join("; "))
        });
    }

    fn get(&self, party: Party) -> &EstablishedSas {
        match party {
            Party::Alice => &self.alice,
            Party::Bob => &self.bob,
        }
    }
}

/// `olm_sas_generate_bytes(info, length)`. The Matrix emoji and decimal methods read the first
/// 6 and 5 of those bytes (HKDF output is a prefix of any longer output), so protee's
/// `emoji_indices` and `decimals` are checked against libolm's bytes too, sliced here.
fn generate_bytes(at: &str, entry: &format::SasBytes, sides: &Sides, c: &mut Checker) {
    let info = &entry.info.hex.0;
    let expected = &entry.output_hex.0;
    sides.eq(
        at,
        format::to_hex(expected).as_str(),
        |sas| match sas.bytes(info, entry.length) {
            Ok(bytes) => format::to_hex(&bytes).into_boxed_str(),
            Err(e) => format!("error: {e}").into_boxed_str(),
        },
        c,
    );
    if let Some(first) = expected.get(..6) {
        let bits = big_endian(first);
        let indices: Vec<u8> = [42, 36, 30, 24, 18, 12, 6]
            .into_iter()
            .map(|shift| ((bits >> shift) & 0x3f) as u8)
            .collect();
        sides.eq(
            &format!("{at}.emoji_indices"),
            indices.as_slice(),
            |sas| Box::new(sas.emoji_indices(info)),
            c,
        );
    }
    if let Some(first) = expected.get(..5) {
        let bits = big_endian(first);
        let numbers: Vec<u16> = [27, 14, 1]
            .into_iter()
            .map(|shift| ((bits >> shift) & 0x1fff) as u16 + 1000)
            .collect();
        sides.eq(
            &format!("{at}.decimals"),
            numbers.as_slice(),
            |sas| Box::new(sas.decimals(info)),
            c,
        );
    }
}

fn big_endian(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0, |acc, byte| (acc << 8) | u64::from(*byte))
}

/// The three MAC variants of one (input, info) pair, each computed on both sides and checked
/// against libolm's (spec/sas-pk.md SAS-MAC-1, SAS-MAC-3, SAS-MAC-4); then each side must
/// accept libolm's MAC with the matching `verify_*` (SAS-MAC-2).
fn mac(at: &str, entry: &format::SasMac, sides: &Sides, c: &mut Checker) {
    let (input, info) = (entry.input.hex.0.as_slice(), entry.info.hex.0.as_slice());
    let variants: [Variant; 3] = [
        Variant {
            field: "calculate_mac_fixed_base64",
            verify_name: "verify_mac",
            expected: &entry.calculate_mac_fixed_base64,
            compute: EstablishedSas::calculate_mac,
            verify: EstablishedSas::verify_mac,
        },
        Variant {
            field: "calculate_mac",
            verify_name: "verify_mac_invalid_base64",
            expected: &entry.calculate_mac,
            compute: EstablishedSas::calculate_mac_invalid_base64,
            verify: EstablishedSas::verify_mac_invalid_base64,
        },
        Variant {
            field: "calculate_mac_long_kdf",
            verify_name: "verify_mac_long_kdf",
            expected: &entry.calculate_mac_long_kdf,
            compute: EstablishedSas::calculate_mac_long_kdf,
            verify: EstablishedSas::verify_mac_long_kdf,
        },
    ];
    for variant in &variants {
        sides.eq(
            &format!("{at}.{}", variant.field),
            variant.expected,
            |sas| (variant.compute)(sas, input, info).into_boxed_str(),
            c,
        );
    }
    for variant in &variants {
        sides.eq(
            &format!("{at}.{}", variant.verify_name),
            "accepted",
            |sas| match (variant.verify)(sas, input, info, variant.expected) {
                Ok(()) => "accepted".into(),
                Err(e) => format!("refused: {e}").into_boxed_str(),
            },
            c,
        );
    }
}

/// One of libolm's MAC functions (`field`, its name in the vector file) and protee's
/// counterparts.
struct Variant<'a> {
    field: &'static str,
    verify_name: &'static str,
    expected: &'a str,
    compute: Compute,
    verify: Verify,
}

/// `(sas, input, info) -> MAC`.
type Compute = fn(&EstablishedSas, &[u8], &[u8]) -> String;
/// `(sas, input, info, MAC) -> accepted?`.
type Verify = fn(&EstablishedSas, &[u8], &[u8], &str) -> Result<(), SasError>;
