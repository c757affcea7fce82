"""Thin ctypes binding to libolm's C API (libolm.so.3), with *injectable* randomness.

Only the Python standard library is needed.  Every libolm entry point that
consumes randomness takes an explicit ``random: bytes`` argument here; its
required length is always queried from libolm's own ``*_random_length``
function, and a wrong length raises ``ValueError`` before libolm is called.

Notes on libolm's calling conventions that this module takes care of:

* libolm *overwrites* many of its input buffers: it zeroes the random buffer
  after use, and base64-decodes messages, pickles, exported keys and SAS keys
  in place.  Every input is therefore copied into a fresh ctypes buffer, and
  the caller's ``bytes`` are never touched (so recorded random bytes stay
  intact).
* errors are signalled by the return value ``olm_error()`` (``(size_t)-1``);
  they are turned into :class:`OlmError` with the libolm error name.

Set ``LIBOLM_PATH`` to load a specific shared object instead of libolm.so.3.
"""

import ctypes
import ctypes.util
import os

c_size_t = ctypes.c_size_t
c_void_p = ctypes.c_void_p
c_char_p = ctypes.c_char_p
c_uint32 = ctypes.c_uint32
c_int = ctypes.c_int
c_uint8_p = ctypes.POINTER(ctypes.c_uint8)
c_uint32_p = ctypes.POINTER(ctypes.c_uint32)


def _load():
    candidates = []
    if os.environ.get("LIBOLM_PATH"):
        candidates.append(os.environ["LIBOLM_PATH"])
    candidates += ["libolm.so.3", ctypes.util.find_library("olm") or "libolm.so"]
    last = None
    for c in candidates:
        try:
            return ctypes.CDLL(c), c
        except OSError as e:  # pragma: no cover - environment dependent
            last = e
    raise OSError(
        "cannot load libolm (apt-get install libolm3 libolm-dev, or set LIBOLM_PATH): %s" % last
    )


lib, LIB_PATH = _load()

# ---------------------------------------------------------------------------
# prototypes: (name, restype, argtypes)
# ---------------------------------------------------------------------------
S, P, U32, I = c_size_t, c_void_p, c_uint32, c_int
_PROTOS = [
    ("olm_get_library_version", None, [c_uint8_p, c_uint8_p, c_uint8_p]),
    ("olm_error", S, []),
    # object sizes / constructors
    ("olm_account_size", S, []), ("olm_account", P, [P]),
    ("olm_session_size", S, []), ("olm_session", P, [P]),
    ("olm_utility_size", S, []), ("olm_utility", P, [P]),
    ("olm_outbound_group_session_size", S, []), ("olm_outbound_group_session", P, [P]),
    ("olm_inbound_group_session_size", S, []), ("olm_inbound_group_session", P, [P]),
    ("olm_sas_size", S, []), ("olm_sas", P, [P]),
    ("olm_pk_encryption_size", S, []), ("olm_pk_encryption", P, [P]),
    ("olm_pk_decryption_size", S, []), ("olm_pk_decryption", P, [P]),
    ("olm_pk_signing_size", S, []), ("olm_pk_signing", P, [P]),
    # errors
    ("olm_account_last_error", c_char_p, [P]), ("olm_account_last_error_code", I, [P]),
    ("olm_session_last_error", c_char_p, [P]), ("olm_session_last_error_code", I, [P]),
    ("olm_utility_last_error", c_char_p, [P]), ("olm_utility_last_error_code", I, [P]),
    ("olm_outbound_group_session_last_error", c_char_p, [P]),
    ("olm_outbound_group_session_last_error_code", I, [P]),
    ("olm_inbound_group_session_last_error", c_char_p, [P]),
    ("olm_inbound_group_session_last_error_code", I, [P]),
    ("olm_sas_last_error", c_char_p, [P]), ("olm_sas_last_error_code", I, [P]),
    ("olm_pk_encryption_last_error", c_char_p, [P]), ("olm_pk_encryption_last_error_code", I, [P]),
    ("olm_pk_decryption_last_error", c_char_p, [P]), ("olm_pk_decryption_last_error_code", I, [P]),
    ("olm_pk_signing_last_error", c_char_p, [P]), ("olm_pk_signing_last_error_code", I, [P]),
    # clear
    ("olm_clear_account", S, [P]), ("olm_clear_session", S, [P]), ("olm_clear_utility", S, [P]),
    ("olm_clear_outbound_group_session", S, [P]), ("olm_clear_inbound_group_session", S, [P]),
    ("olm_clear_sas", S, [P]), ("olm_clear_pk_encryption", S, [P]),
    ("olm_clear_pk_decryption", S, [P]), ("olm_clear_pk_signing", S, [P]),
    # account
    ("olm_pickle_account_length", S, [P]),
    ("olm_pickle_account", S, [P, P, S, P, S]),
    ("olm_unpickle_account", S, [P, P, S, P, S]),
    ("olm_create_account_random_length", S, [P]),
    ("olm_create_account", S, [P, P, S]),
    ("olm_account_identity_keys_length", S, [P]),
    ("olm_account_identity_keys", S, [P, P, S]),
    ("olm_account_signature_length", S, [P]),
    ("olm_account_sign", S, [P, P, S, P, S]),
    ("olm_account_one_time_keys_length", S, [P]),
    ("olm_account_one_time_keys", S, [P, P, S]),
    ("olm_account_mark_keys_as_published", S, [P]),
    ("olm_account_max_number_of_one_time_keys", S, [P]),
    ("olm_account_generate_one_time_keys_random_length", S, [P, S]),
    ("olm_account_generate_one_time_keys", S, [P, S, P, S]),
    ("olm_account_generate_fallback_key_random_length", S, [P]),
    ("olm_account_generate_fallback_key", S, [P, P, S]),
    ("olm_account_fallback_key_length", S, [P]),
    ("olm_account_fallback_key", S, [P, P, S]),
    ("olm_account_unpublished_fallback_key_length", S, [P]),
    ("olm_account_unpublished_fallback_key", S, [P, P, S]),
    ("olm_account_forget_old_fallback_key", None, [P]),
    ("olm_remove_one_time_keys", S, [P, P]),
    # session
    ("olm_pickle_session_length", S, [P]),
    ("olm_pickle_session", S, [P, P, S, P, S]),
    ("olm_unpickle_session", S, [P, P, S, P, S]),
    ("olm_create_outbound_session_random_length", S, [P]),
    ("olm_create_outbound_session", S, [P, P, P, S, P, S, P, S]),
    ("olm_create_inbound_session", S, [P, P, P, S]),
    ("olm_create_inbound_session_from", S, [P, P, P, S, P, S]),
    ("olm_session_id_length", S, [P]),
    ("olm_session_id", S, [P, P, S]),
    ("olm_session_has_received_message", I, [P]),
    ("olm_session_describe", None, [P, P, S]),
    ("olm_matches_inbound_session", S, [P, P, S]),
    ("olm_matches_inbound_session_from", S, [P, P, S, P, S]),
    ("olm_encrypt_message_type", S, [P]),
    ("olm_encrypt_random_length", S, [P]),
    ("olm_encrypt_message_length", S, [P, S]),
    ("olm_encrypt", S, [P, P, S, P, S, P, S]),
    ("olm_decrypt_max_plaintext_length", S, [P, S, P, S]),
    ("olm_decrypt", S, [P, S, P, S, P, S]),
    # utility
    ("olm_sha256_length", S, [P]),
    ("olm_sha256", S, [P, P, S, P, S]),
    ("olm_ed25519_verify", S, [P, P, S, P, S, P, S]),
    # outbound group session
    ("olm_pickle_outbound_group_session_length", S, [P]),
    ("olm_pickle_outbound_group_session", S, [P, P, S, P, S]),
    ("olm_unpickle_outbound_group_session", S, [P, P, S, P, S]),
    ("olm_init_outbound_group_session_random_length", S, [P]),
    ("olm_init_outbound_group_session", S, [P, P, S]),
    ("olm_group_encrypt_message_length", S, [P, S]),
    ("olm_group_encrypt", S, [P, P, S, P, S]),
    ("olm_outbound_group_session_id_length", S, [P]),
    ("olm_outbound_group_session_id", S, [P, P, S]),
    ("olm_outbound_group_session_message_index", U32, [P]),
    ("olm_outbound_group_session_key_length", S, [P]),
    ("olm_outbound_group_session_key", S, [P, P, S]),
    # inbound group session
    ("olm_pickle_inbound_group_session_length", S, [P]),
    ("olm_pickle_inbound_group_session", S, [P, P, S, P, S]),
    ("olm_unpickle_inbound_group_session", S, [P, P, S, P, S]),
    ("olm_init_inbound_group_session", S, [P, P, S]),
    ("olm_import_inbound_group_session", S, [P, P, S]),
    ("olm_group_decrypt_max_plaintext_length", S, [P, P, S]),
    ("olm_group_decrypt", S, [P, P, S, P, S, c_uint32_p]),
    ("olm_inbound_group_session_id_length", S, [P]),
    ("olm_inbound_group_session_id", S, [P, P, S]),
    ("olm_inbound_group_session_first_known_index", U32, [P]),
    ("olm_inbound_group_session_is_verified", I, [P]),
    ("olm_export_inbound_group_session_length", S, [P]),
    ("olm_export_inbound_group_session", S, [P, P, S, U32]),
    # sas
    ("olm_create_sas_random_length", S, [P]),
    ("olm_create_sas", S, [P, P, S]),
    ("olm_sas_pubkey_length", S, [P]),
    ("olm_sas_get_pubkey", S, [P, P, S]),
    ("olm_sas_set_their_key", S, [P, P, S]),
    ("olm_sas_is_their_key_set", I, [P]),
    ("olm_sas_generate_bytes", S, [P, P, S, P, S]),
    ("olm_sas_mac_length", S, [P]),
    ("olm_sas_calculate_mac", S, [P, P, S, P, S, P, S]),
    ("olm_sas_calculate_mac_fixed_base64", S, [P, P, S, P, S, P, S]),
    ("olm_sas_calculate_mac_long_kdf", S, [P, P, S, P, S, P, S]),
    # pk
    ("olm_pk_encryption_set_recipient_key", S, [P, P, S]),
    ("olm_pk_ciphertext_length", S, [P, S]),
    ("olm_pk_mac_length", S, [P]),
    ("olm_pk_key_length", S, []),
    ("olm_pk_encrypt_random_length", S, [P]),
    ("olm_pk_encrypt", S, [P, P, S, P, S, P, S, P, S, P, S]),
    ("olm_pk_private_key_length", S, []),
    ("olm_pk_generate_key_random_length", S, []),
    ("olm_pk_key_from_private", S, [P, P, S, P, S]),
    ("olm_pk_generate_key", S, [P, P, S, P, S]),
    ("olm_pickle_pk_decryption_length", S, [P]),
    ("olm_pickle_pk_decryption", S, [P, P, S, P, S]),
    ("olm_unpickle_pk_decryption", S, [P, P, S, P, S, P, S]),
    ("olm_pk_max_plaintext_length", S, [P, S]),
    ("olm_pk_decrypt", S, [P, P, S, P, S, P, S, P, S]),
    ("olm_pk_get_private_key", S, [P, P, S]),
    ("olm_pk_signing_key_from_seed", S, [P, P, S, P, S]),
    ("olm_pk_signing_seed_length", S, []),
    ("olm_pk_signing_public_key_length", S, []),
    ("olm_pk_signature_length", S, []),
    ("olm_pk_sign", S, [P, P, S, P, S]),
]

for _name, _res, _args in _PROTOS:
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

ERROR = lib.olm_error()

ERROR_NAMES = {
    0: "SUCCESS", 1: "NOT_ENOUGH_RANDOM", 2: "OUTPUT_BUFFER_TOO_SMALL",
    3: "BAD_MESSAGE_VERSION", 4: "BAD_MESSAGE_FORMAT", 5: "BAD_MESSAGE_MAC",
    6: "BAD_MESSAGE_KEY_ID", 7: "INVALID_BASE64", 8: "BAD_ACCOUNT_KEY",
    9: "UNKNOWN_PICKLE_VERSION", 10: "CORRUPTED_PICKLE", 11: "BAD_SESSION_KEY",
    12: "UNKNOWN_MESSAGE_INDEX", 13: "BAD_LEGACY_ACCOUNT_PICKLE", 14: "BAD_SIGNATURE",
    15: "INPUT_BUFFER_TOO_SMALL", 16: "SAS_THEIR_KEY_NOT_SET", 17: "PICKLE_EXTRA_DATA",
}


def library_version():
    a, b, c = ctypes.c_uint8(), ctypes.c_uint8(), ctypes.c_uint8()
    lib.olm_get_library_version(ctypes.byref(a), ctypes.byref(b), ctypes.byref(c))
    return "%d.%d.%d" % (a.value, b.value, c.value)


class OlmError(Exception):
    """A libolm call returned olm_error(); ``.code`` is the OLM_* name without prefix."""

    def __init__(self, func, code, message):
        self.func = func
        self.code = ERROR_NAMES.get(code, str(code))
        self.message = message
        super().__init__("%s failed: %s (%s)" % (func, self.code, message))


def _buf(data):
    """Fresh mutable copy of ``data`` (libolm may overwrite its inputs)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    return ctypes.create_string_buffer(data, len(data) if data else 1), len(data)


def _out(n):
    return ctypes.create_string_buffer(n if n else 1)


class _Obj:
    _kind = None  # e.g. "account" -> olm_account_size, olm_account, olm_account_last_error...

    def __init__(self):
        k = self._kind
        size = getattr(lib, "olm_%s_size" % k)()
        self._mem = ctypes.create_string_buffer(size)
        self.ptr = getattr(lib, "olm_%s" % k)(self._mem)

    def _last_error(self):
        k = self._kind
        code = getattr(lib, "olm_%s_last_error_code" % k)(self.ptr)
        msg = getattr(lib, "olm_%s_last_error" % k)(self.ptr)
        return code, (msg.decode() if msg else "")

    def _check(self, ret, func):
        if ret == ERROR:
            code, msg = self._last_error()
            raise OlmError(func, code, msg)
        return ret

    def __del__(self):
        try:
            getattr(lib, "olm_clear_%s" % self._kind)(self.ptr)
        except Exception:  # pragma: no cover
            pass

    # generic helpers --------------------------------------------------
    def _pickle(self, prefix, key):
        n = getattr(lib, "olm_pickle_%s_length" % prefix)(self.ptr)
        kb, kl = _buf(key)
        out = _out(n)
        r = getattr(lib, "olm_pickle_%s" % prefix)(self.ptr, kb, kl, out, n)
        self._check(r, "olm_pickle_%s" % prefix)
        return out.raw[:r].decode("ascii")

    def _unpickle(self, prefix, pickle, key):
        kb, kl = _buf(key)
        pb, pl = _buf(pickle)
        r = getattr(lib, "olm_unpickle_%s" % prefix)(self.ptr, kb, kl, pb, pl)
        self._check(r, "olm_unpickle_%s" % prefix)

    def _need_random(self, func, needed, random):
        random = bytes(random)
        if len(random) != needed:
            raise ValueError("%s needs exactly %d random bytes, got %d" % (func, needed, len(random)))
        return _buf(random)


def _kind_error_prefix(kind):
    return kind


# ---------------------------------------------------------------------------
# Olm
# ---------------------------------------------------------------------------
class Account(_Obj):
    _kind = "account"

    def create_random_length(self):
        return lib.olm_create_account_random_length(self.ptr)

    def create(self, random):
        rb, rl = self._need_random("olm_create_account", self.create_random_length(), random)
        self._check(lib.olm_create_account(self.ptr, rb, rl), "olm_create_account")
        return self

    def identity_keys(self):
        n = lib.olm_account_identity_keys_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_account_identity_keys(self.ptr, out, n), "olm_account_identity_keys")
        return out.raw[:r].decode()

    def sign(self, message):
        n = lib.olm_account_signature_length(self.ptr)
        mb, ml = _buf(message)
        out = _out(n)
        r = self._check(lib.olm_account_sign(self.ptr, mb, ml, out, n), "olm_account_sign")
        return out.raw[:r].decode()

    def one_time_keys(self):
        n = lib.olm_account_one_time_keys_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_account_one_time_keys(self.ptr, out, n), "olm_account_one_time_keys")
        return out.raw[:r].decode()

    def mark_keys_as_published(self):
        return self._check(lib.olm_account_mark_keys_as_published(self.ptr), "olm_account_mark_keys_as_published")

    def max_number_of_one_time_keys(self):
        return lib.olm_account_max_number_of_one_time_keys(self.ptr)

    def generate_one_time_keys_random_length(self, count):
        return lib.olm_account_generate_one_time_keys_random_length(self.ptr, count)

    def generate_one_time_keys(self, count, random):
        rb, rl = self._need_random("olm_account_generate_one_time_keys",
                                   self.generate_one_time_keys_random_length(count), random)
        return self._check(lib.olm_account_generate_one_time_keys(self.ptr, count, rb, rl),
                           "olm_account_generate_one_time_keys")

    def generate_fallback_key_random_length(self):
        return lib.olm_account_generate_fallback_key_random_length(self.ptr)

    def generate_fallback_key(self, random):
        rb, rl = self._need_random("olm_account_generate_fallback_key",
                                   self.generate_fallback_key_random_length(), random)
        return self._check(lib.olm_account_generate_fallback_key(self.ptr, rb, rl),
                           "olm_account_generate_fallback_key")

    def fallback_key(self):
        n = lib.olm_account_fallback_key_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_account_fallback_key(self.ptr, out, n), "olm_account_fallback_key")
        return out.raw[:r].decode()

    def unpublished_fallback_key(self):
        n = lib.olm_account_unpublished_fallback_key_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_account_unpublished_fallback_key(self.ptr, out, n),
                        "olm_account_unpublished_fallback_key")
        return out.raw[:r].decode()

    def forget_old_fallback_key(self):
        lib.olm_account_forget_old_fallback_key(self.ptr)

    def remove_one_time_keys(self, session):
        return self._check(lib.olm_remove_one_time_keys(self.ptr, session.ptr), "olm_remove_one_time_keys")

    def pickle(self, key):
        return self._pickle("account", key)

    @classmethod
    def from_pickle(cls, pickle, key):
        a = cls()
        a._unpickle("account", pickle, key)
        return a


class Session(_Obj):
    _kind = "session"

    def create_outbound_random_length(self):
        return lib.olm_create_outbound_session_random_length(self.ptr)

    def create_outbound(self, account, their_identity_key, their_one_time_key, random):
        rb, rl = self._need_random("olm_create_outbound_session", self.create_outbound_random_length(), random)
        ib, il = _buf(their_identity_key)
        ob, ol = _buf(their_one_time_key)
        self._check(lib.olm_create_outbound_session(self.ptr, account.ptr, ib, il, ob, ol, rb, rl),
                    "olm_create_outbound_session")
        return self

    def create_inbound(self, account, message, their_identity_key=None):
        mb, ml = _buf(message)
        if their_identity_key is None:
            r = lib.olm_create_inbound_session(self.ptr, account.ptr, mb, ml)
            self._check(r, "olm_create_inbound_session")
        else:
            ib, il = _buf(their_identity_key)
            r = lib.olm_create_inbound_session_from(self.ptr, account.ptr, ib, il, mb, ml)
            self._check(r, "olm_create_inbound_session_from")
        return self

    def matches_inbound(self, message, their_identity_key=None):
        mb, ml = _buf(message)
        if their_identity_key is None:
            r = self._check(lib.olm_matches_inbound_session(self.ptr, mb, ml), "olm_matches_inbound_session")
        else:
            ib, il = _buf(their_identity_key)
            r = self._check(lib.olm_matches_inbound_session_from(self.ptr, ib, il, mb, ml),
                            "olm_matches_inbound_session_from")
        return bool(r)

    def session_id(self):
        n = lib.olm_session_id_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_session_id(self.ptr, out, n), "olm_session_id")
        return out.raw[:r].decode()

    def has_received_message(self):
        return bool(lib.olm_session_has_received_message(self.ptr))

    def describe(self):
        out = _out(600)
        lib.olm_session_describe(self.ptr, out, 600)
        return out.value.decode()

    def encrypt_message_type(self):
        return lib.olm_encrypt_message_type(self.ptr)

    def encrypt_random_length(self):
        return lib.olm_encrypt_random_length(self.ptr)

    def encrypt(self, plaintext, random):
        """Returns (message_type, base64 ciphertext)."""
        rb, rl = self._need_random("olm_encrypt", self.encrypt_random_length(), random)
        pb, pl = _buf(plaintext)
        mtype = lib.olm_encrypt_message_type(self.ptr)
        n = lib.olm_encrypt_message_length(self.ptr, pl)
        out = _out(n)
        r = self._check(lib.olm_encrypt(self.ptr, pb, pl, rb, rl, out, n), "olm_encrypt")
        return int(mtype), out.raw[:r].decode()

    def decrypt(self, message_type, message):
        mb, ml = _buf(message)
        n = self._check(lib.olm_decrypt_max_plaintext_length(self.ptr, message_type, mb, ml),
                        "olm_decrypt_max_plaintext_length")
        mb, ml = _buf(message)  # previous call decoded the buffer in place
        out = _out(n)
        r = self._check(lib.olm_decrypt(self.ptr, message_type, mb, ml, out, n), "olm_decrypt")
        return out.raw[:r]

    def pickle(self, key):
        return self._pickle("session", key)

    @classmethod
    def from_pickle(cls, pickle, key):
        s = cls()
        s._unpickle("session", pickle, key)
        return s


class Utility(_Obj):
    _kind = "utility"

    def sha256(self, data):
        n = lib.olm_sha256_length(self.ptr)
        db, dl = _buf(data)
        out = _out(n)
        r = self._check(lib.olm_sha256(self.ptr, db, dl, out, n), "olm_sha256")
        return out.raw[:r].decode()

    def ed25519_verify(self, key, message, signature):
        """True if valid; False if libolm reports BAD_MESSAGE_MAC; raises on other errors."""
        kb, kl = _buf(key)
        mb, ml = _buf(message)
        sb, sl = _buf(signature)
        r = lib.olm_ed25519_verify(self.ptr, kb, kl, mb, ml, sb, sl)
        if r == ERROR:
            code, msg = self._last_error()
            if ERROR_NAMES.get(code) == "BAD_MESSAGE_MAC":
                return False
            raise OlmError("olm_ed25519_verify", code, msg)
        return True


# ---------------------------------------------------------------------------
# Megolm
# ---------------------------------------------------------------------------
class OutboundGroupSession(_Obj):
    _kind = "outbound_group_session"

    def init_random_length(self):
        return lib.olm_init_outbound_group_session_random_length(self.ptr)

    def init(self, random):
        rb, rl = self._need_random("olm_init_outbound_group_session", self.init_random_length(), random)
        self._check(lib.olm_init_outbound_group_session(self.ptr, rb, rl), "olm_init_outbound_group_session")
        return self

    def encrypt(self, plaintext):
        pb, pl = _buf(plaintext)
        n = lib.olm_group_encrypt_message_length(self.ptr, pl)
        out = _out(n)
        r = self._check(lib.olm_group_encrypt(self.ptr, pb, pl, out, n), "olm_group_encrypt")
        return out.raw[:r].decode()

    def session_id(self):
        n = lib.olm_outbound_group_session_id_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_outbound_group_session_id(self.ptr, out, n), "olm_outbound_group_session_id")
        return out.raw[:r].decode()

    def message_index(self):
        return lib.olm_outbound_group_session_message_index(self.ptr)

    def session_key(self):
        n = lib.olm_outbound_group_session_key_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_outbound_group_session_key(self.ptr, out, n), "olm_outbound_group_session_key")
        return out.raw[:r].decode()

    def pickle(self, key):
        return self._pickle("outbound_group_session", key)

    @classmethod
    def from_pickle(cls, pickle, key):
        s = cls()
        s._unpickle("outbound_group_session", pickle, key)
        return s


class InboundGroupSession(_Obj):
    _kind = "inbound_group_session"

    @classmethod
    def init(cls, session_key):
        """From a v2 session key (olm_outbound_group_session_key output)."""
        s = cls()
        kb, kl = _buf(session_key)
        s._check(lib.olm_init_inbound_group_session(s.ptr, kb, kl), "olm_init_inbound_group_session")
        return s

    @classmethod
    def import_session(cls, exported_key):
        """From a v1 exported key (olm_export_inbound_group_session output)."""
        s = cls()
        kb, kl = _buf(exported_key)
        s._check(lib.olm_import_inbound_group_session(s.ptr, kb, kl), "olm_import_inbound_group_session")
        return s

    def decrypt(self, message):
        """Returns (plaintext bytes, message_index)."""
        mb, ml = _buf(message)
        n = self._check(lib.olm_group_decrypt_max_plaintext_length(self.ptr, mb, ml),
                        "olm_group_decrypt_max_plaintext_length")
        mb, ml = _buf(message)
        out = _out(n)
        idx = ctypes.c_uint32(0)
        r = self._check(lib.olm_group_decrypt(self.ptr, mb, ml, out, n, ctypes.byref(idx)), "olm_group_decrypt")
        return out.raw[:r], idx.value

    def session_id(self):
        n = lib.olm_inbound_group_session_id_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_inbound_group_session_id(self.ptr, out, n), "olm_inbound_group_session_id")
        return out.raw[:r].decode()

    def first_known_index(self):
        return lib.olm_inbound_group_session_first_known_index(self.ptr)

    def is_verified(self):
        return bool(lib.olm_inbound_group_session_is_verified(self.ptr))

    def export(self, message_index):
        n = lib.olm_export_inbound_group_session_length(self.ptr)
        out = _out(n)
        r = self._check(lib.olm_export_inbound_group_session(self.ptr, out, n, message_index),
                        "olm_export_inbound_group_session")
        return out.raw[:r].decode()

    def pickle(self, key):
        return self._pickle("inbound_group_session", key)

    @classmethod
    def from_pickle(cls, pickle, key):
        s = cls()
        s._unpickle("inbound_group_session", pickle, key)
        return s


# ---------------------------------------------------------------------------
# SAS
# ---------------------------------------------------------------------------
class Sas(_Obj):
    _kind = "sas"

    def create_random_length(self):
        return lib.olm_create_sas_random_length(self.ptr)

    def create(self, random):
        rb, rl = self._need_random("olm_create_sas", self.create_random_length(), random)
        self._check(lib.olm_create_sas(self.ptr, rb, rl), "olm_create_sas")
        return self

    def pubkey(self):
        n = lib.olm_sas_pubkey_length(self.ptr)
        out = _out(n)
        self._check(lib.olm_sas_get_pubkey(self.ptr, out, n), "olm_sas_get_pubkey")
        return out.raw[:n].decode()

    def set_their_key(self, key):
        kb, kl = _buf(key)
        self._check(lib.olm_sas_set_their_key(self.ptr, kb, kl), "olm_sas_set_their_key")

    def is_their_key_set(self):
        return bool(lib.olm_sas_is_their_key_set(self.ptr))

    def generate_bytes(self, info, length):
        ib, il = _buf(info)
        out = _out(length)
        self._check(lib.olm_sas_generate_bytes(self.ptr, ib, il, out, length), "olm_sas_generate_bytes")
        return out.raw[:length]

    def _mac(self, fn, message, info):
        n = lib.olm_sas_mac_length(self.ptr)
        mb, ml = _buf(message)
        ib, il = _buf(info)
        out = _out(n)
        self._check(getattr(lib, fn)(self.ptr, mb, ml, ib, il, out, n), fn)
        return out.raw[:n].decode("latin-1")

    def calculate_mac(self, message, info):
        """libolm's original MAC: the base64 is computed in place and is *wrong* (see test-vectors/generator/README.md)."""
        return self._mac("olm_sas_calculate_mac", message, info)

    def calculate_mac_fixed_base64(self, message, info):
        return self._mac("olm_sas_calculate_mac_fixed_base64", message, info)

    def calculate_mac_long_kdf(self, message, info):
        return self._mac("olm_sas_calculate_mac_long_kdf", message, info)


# ---------------------------------------------------------------------------
# PK
# ---------------------------------------------------------------------------
class PkEncryption(_Obj):
    _kind = "pk_encryption"

    def set_recipient_key(self, key):
        kb, kl = _buf(key)
        self._check(lib.olm_pk_encryption_set_recipient_key(self.ptr, kb, kl),
                    "olm_pk_encryption_set_recipient_key")
        return self

    def encrypt_random_length(self):
        return lib.olm_pk_encrypt_random_length(self.ptr)

    def encrypt(self, plaintext, random):
        """Returns (ciphertext, mac, ephemeral_key), all unpadded base64 strings."""
        rb, rl = self._need_random("olm_pk_encrypt", self.encrypt_random_length(), random)
        pb, pl = _buf(plaintext)
        cn = lib.olm_pk_ciphertext_length(self.ptr, pl)
        mn = lib.olm_pk_mac_length(self.ptr)
        en = lib.olm_pk_key_length()
        c, m, e = _out(cn), _out(mn), _out(en)
        self._check(lib.olm_pk_encrypt(self.ptr, pb, pl, c, cn, m, mn, e, en, rb, rl), "olm_pk_encrypt")
        return c.raw[:cn].decode(), m.raw[:mn].decode(), e.raw[:en].decode()


class PkDecryption(_Obj):
    _kind = "pk_decryption"

    @staticmethod
    def generate_key_random_length():
        return lib.olm_pk_generate_key_random_length()

    def generate_key(self, random):
        """olm_pk_generate_key: the random bytes *are* the Curve25519 private key. Returns public key."""
        rb, rl = self._need_random("olm_pk_generate_key", self.generate_key_random_length(), random)
        n = lib.olm_pk_key_length()
        out = _out(n)
        self._check(lib.olm_pk_generate_key(self.ptr, out, n, rb, rl), "olm_pk_generate_key")
        return out.raw[:n].decode()

    def key_from_private(self, private_key):
        pb, pl = _buf(private_key)
        n = lib.olm_pk_key_length()
        out = _out(n)
        self._check(lib.olm_pk_key_from_private(self.ptr, out, n, pb, pl), "olm_pk_key_from_private")
        return out.raw[:n].decode()

    def private_key(self):
        n = lib.olm_pk_private_key_length()
        out = _out(n)
        self._check(lib.olm_pk_get_private_key(self.ptr, out, n), "olm_pk_get_private_key")
        return out.raw[:n]

    def decrypt(self, ephemeral_key, mac, ciphertext):
        eb, el = _buf(ephemeral_key)
        mb, ml = _buf(mac)
        cb, cl = _buf(ciphertext)
        n = self._check(lib.olm_pk_max_plaintext_length(self.ptr, cl), "olm_pk_max_plaintext_length")
        out = _out(n)
        r = self._check(lib.olm_pk_decrypt(self.ptr, eb, el, mb, ml, cb, cl, out, n), "olm_pk_decrypt")
        return out.raw[:r]

    def pickle(self, key):
        return self._pickle("pk_decryption", key)

    @classmethod
    def from_pickle(cls, pickle, key):
        """Returns (PkDecryption, public_key)."""
        s = cls()
        kb, kl = _buf(key)
        pb, pl = _buf(pickle)
        n = lib.olm_pk_key_length()
        out = _out(n)
        s._check(lib.olm_unpickle_pk_decryption(s.ptr, kb, kl, pb, pl, out, n), "olm_unpickle_pk_decryption")
        return s, out.raw[:n].decode()


class PkSigning(_Obj):
    _kind = "pk_signing"

    @staticmethod
    def seed_length():
        return lib.olm_pk_signing_seed_length()

    def key_from_seed(self, seed):
        sb, sl = self._need_random("olm_pk_signing_key_from_seed", self.seed_length(), seed)
        n = lib.olm_pk_signing_public_key_length()
        out = _out(n)
        self._check(lib.olm_pk_signing_key_from_seed(self.ptr, out, n, sb, sl), "olm_pk_signing_key_from_seed")
        return out.raw[:n].decode()

    def sign(self, message):
        mb, ml = _buf(message)
        n = lib.olm_pk_signature_length()
        out = _out(n)
        self._check(lib.olm_pk_sign(self.ptr, mb, ml, out, n), "olm_pk_sign")
        return out.raw[:n].decode()
