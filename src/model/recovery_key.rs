//! Recovery keys as Element shows them: the 32-byte secret-storage key
//! behind the prefix `0x8B 0x01`, followed by a parity byte (the XOR of all
//! bytes before it), in base58 (Bitcoin's alphabet), in groups of four.
//! Base58 is an encoding, not cryptography, so it is written here.

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const PREFIX: [u8; 2] = [0x8B, 0x01];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryKeyError {
    /// A character that is not in base58 (e.g. `0`, `O`, `I`, `l`).
    NotBase58,
    /// Decodes, but is not a recovery key (wrong prefix or length).
    NotARecoveryKey,
    /// The parity byte does not match: a typing mistake.
    Parity,
}

fn base58_decode(text: &str) -> Result<Vec<u8>, RecoveryKeyError> {
    // Big-endian base-256 digits of the number, built up digit by digit.
    let mut bytes: Vec<u8> = Vec::new();
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c).ok_or(RecoveryKeyError::NotBase58)? as u32;
        let mut carry = value;
        for b in bytes.iter_mut().rev() {
            let x = u32::from(*b) * 58 + carry;
            *b = (x & 0xff) as u8;
            carry = x >> 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    // Each leading '1' stands for a leading zero byte.
    let zeros = text.bytes().take_while(|&c| c == b'1').count();
    let mut out = vec![0u8; zeros];
    out.extend(bytes);
    Ok(out)
}

fn base58_encode(data: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new();
    for &byte in data {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut().rev() {
            let x = u32::from(*d) * 256 + carry;
            *d = (x % 58) as u8;
            carry = x / 58;
        }
        while carry > 0 {
            digits.insert(0, (carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = data.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n('1', zeros).chain(digits.iter().map(|&d| char::from(ALPHABET[d as usize]))).collect()
}

/// The secret-storage key a typed recovery key stands for. Whitespace
/// (the spaces between groups, a pasted line break) is ignored.
pub fn decode_recovery_key(typed: &str) -> Result<[u8; 32], RecoveryKeyError> {
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base58_decode(&compact)?;
    if bytes.len() != PREFIX.len() + 32 + 1 || bytes[..2] != PREFIX {
        return Err(RecoveryKeyError::NotARecoveryKey);
    }
    let parity = bytes[..bytes.len() - 1].iter().fold(0u8, |p, b| p ^ b);
    if parity != bytes[bytes.len() - 1] {
        return Err(RecoveryKeyError::Parity);
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&bytes[2..34]);
    Ok(key)
}

/// A key as Element shows it ("EsTc LW2K …").
pub fn encode_recovery_key(key: &[u8; 32]) -> String {
    let mut bytes = PREFIX.to_vec();
    bytes.extend_from_slice(key);
    bytes.push(bytes.iter().fold(0u8, |p, b| p ^ b));
    let encoded = base58_encode(&bytes);
    encoded.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../../tests/fixtures/js-sdk-vectors.json")).unwrap()
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn encodes_and_decodes_as_matrix_js_sdk_does() {
        for v in vectors()["recovery_key"]["vectors"].as_array().unwrap() {
            let key: [u8; 32] = hex(v["key_hex"].as_str().unwrap()).try_into().unwrap();
            let encoded = v["encoded"].as_str().unwrap();
            assert_eq!(encode_recovery_key(&key), encoded, "{}", v["label"]);
            assert_eq!(decode_recovery_key(encoded), Ok(key), "{}", v["label"]);
        }
    }

    #[test]
    fn refuses_what_matrix_js_sdk_refuses() {
        for v in vectors()["recovery_key"]["decoding"]["vectors"].as_array().unwrap() {
            let input = v["input"].as_str().unwrap();
            let got = decode_recovery_key(input);
            match v["throws"].as_str() {
                // Line breaks and tabs are only spacing here (pasted keys).
                Some("Non-base58 character") if input.contains(['\n', '\t']) => assert!(got.is_ok()),
                Some("Non-base58 character") => assert_eq!(got, Err(RecoveryKeyError::NotBase58)),
                Some("Incorrect parity") => assert_eq!(got, Err(RecoveryKeyError::Parity)),
                Some(_) => assert_eq!(got, Err(RecoveryKeyError::NotARecoveryKey)),
                None => assert_eq!(got.map(|k| k.to_vec()), Ok(hex(v["result"].as_str().unwrap()))),
            }
        }
    }

    #[test]
    fn spaces_anywhere_are_ignored() {
        let key = [7u8; 32];
        let spaced = encode_recovery_key(&key);
        let odd: String = spaced.replace(' ', "").chars().flat_map(|c| [c, ' ']).collect();
        assert_eq!(decode_recovery_key(&odd), Ok(key));
    }
}
