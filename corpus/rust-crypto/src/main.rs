//! Hashing, compression and big-number arithmetic with RustCrypto's sha2, flate2 (on the
//! pure-Rust miniz_oxide back end) and num-bigint: SHA-224/256/384/512 of the input files,
//! a gzip and a raw-deflate round trip at three levels, and textbook RSA (key from two
//! primes found by Miller-Rabin with a fixed witness list, sign and verify by modpow).
use flate2::read::{DeflateDecoder, GzDecoder};
use flate2::write::{DeflateEncoder, GzEncoder};
use flate2::Compression;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use std::io::{Read, Write};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{:02x}", b)).collect()
}

fn is_probable_prime(n: &BigUint) -> bool {
    let two = BigUint::from(2u32);
    if *n < two {
        return false;
    }
    for p in [2u32, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let p = BigUint::from(p);
        if *n == p {
            return true;
        }
        if (n % &p).is_zero() {
            return false;
        }
    }
    let n1 = n - 1u32;
    let mut d = n1.clone();
    let mut s = 0;
    while d.is_even() {
        d >>= 1;
        s += 1;
    }
    'witness: for a in [2u32, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41] {
        let mut x = BigUint::from(a).modpow(&d, n);
        if x.is_one() || x == n1 {
            continue;
        }
        for _ in 1..s {
            x = x.modpow(&two, n);
            if x == n1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

fn next_prime(mut n: BigUint) -> BigUint {
    if n.is_even() {
        n += 1u32;
    }
    while !is_probable_prime(&n) {
        n += 2u32;
    }
    n
}

fn mod_inverse(a: &BigUint, m: &BigUint) -> BigUint {
    // Extended Euclid on signed values kept as (value, negative?) pairs.
    let (mut old_r, mut r) = (a.clone(), m.clone());
    let (mut old_s, mut s) = ((BigUint::one(), false), (BigUint::zero(), false));
    while !r.is_zero() {
        let q = &old_r / &r;
        let new_r = &old_r - &q * &r;
        old_r = std::mem::replace(&mut r, new_r);
        // new_s = old_s - q * s
        let qs = (&q * &s.0, s.1);
        let new_s = if old_s.1 == qs.1 {
            if old_s.0 >= qs.0 { (&old_s.0 - &qs.0, old_s.1) } else { (&qs.0 - &old_s.0, !old_s.1) }
        } else {
            (&old_s.0 + &qs.0, old_s.1)
        };
        old_s = std::mem::replace(&mut s, new_s);
    }
    if old_s.1 { m - (old_s.0 % m) } else { old_s.0 % m }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bits: u64 = args[0].parse().unwrap();
    let mut all = Vec::new();
    for f in &args[1..] {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {}", f, e));
        println!("{}: {} bytes", f, data.len());
        println!("  sha224 {}", hex(&Sha224::digest(&data)));
        println!("  sha256 {}", hex(&Sha256::digest(&data)));
        println!("  sha384 {}", hex(&Sha384::digest(&data)));
        println!("  sha512 {}", hex(&Sha512::digest(&data)));
        all.extend_from_slice(&data);
    }

    for level in [1u32, 6, 9] {
        let mut gz = GzEncoder::new(Vec::new(), Compression::new(level));
        gz.write_all(&all).unwrap();
        let packed = gz.finish().unwrap();
        let mut back = Vec::new();
        GzDecoder::new(&packed[..]).read_to_end(&mut back).unwrap();
        let mut raw = DeflateEncoder::new(Vec::new(), Compression::new(level));
        raw.write_all(&all).unwrap();
        let deflated = raw.finish().unwrap();
        let mut back2 = Vec::new();
        DeflateDecoder::new(&deflated[..]).read_to_end(&mut back2).unwrap();
        println!("level {}: gzip {} -> {} bytes (sha256 {}), deflate {} bytes, round trips {} {}",
                 level, all.len(), packed.len(), &hex(&Sha256::digest(&packed))[..16],
                 deflated.len(), back == all, back2 == all);
    }

    // RSA with primes derived from the data's SHA-512, so every step depends on the input.
    let seed = Sha512::digest(&all);
    let mut material = Vec::new();
    let mut block = seed.to_vec();
    while material.len() * 8 < bits as usize {
        block = Sha512::digest(&block).to_vec();
        material.extend_from_slice(&block);
    }
    let half = (bits / 16) as usize;
    let mut pb = material[..half].to_vec();
    let mut qb = material[half..2 * half].to_vec();
    pb[0] |= 0xc0;
    qb[0] |= 0xc0;
    let p = next_prime(BigUint::from_bytes_be(&pb));
    let q = next_prime(BigUint::from_bytes_be(&qb));
    let n = &p * &q;
    let phi = (&p - 1u32) * (&q - 1u32);
    let e = BigUint::from(65537u32);
    let d = mod_inverse(&e, &phi);
    println!("rsa: n has {} bits, d*e mod phi = {}", n.bits(), (&d * &e) % &phi);
    let mut ok = 0;
    for (i, chunk) in all.chunks(64).take(40).enumerate() {
        let m = BigUint::from_bytes_be(&Sha256::digest(chunk)) % &n;
        let sig = m.modpow(&d, &n);
        if sig.modpow(&e, &n) == m {
            ok += 1;
        }
        if i == 0 {
            println!("rsa: first signature {}", &sig.to_str_radix(16)[..32]);
        }
    }
    println!("rsa: {} of 40 signatures verify; p mod 1000003 = {}", ok, &p % 1000003u32);
}
