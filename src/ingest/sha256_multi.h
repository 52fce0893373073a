// SHA-256 compression of many independent single blocks at once, with the
// x86 SHA extensions (SHA-NI).
//
// What it is for: pseudonymisation (Pseudonymiser) computes an HMAC per NHS
// number, and an HMAC of ten digits is two compression blocks from two fixed
// midstates. Through OpenSSL's SHA256_Update and SHA256_Final each HMAC costs
// about 118 ns, of which the two compressions are about 45: the rest is
// context copies, buffering and padding. Here the caller lays out the padded
// blocks itself and the compression runs straight on them, several messages
// interleaved so that one's dependent SHA256RNDS2 rounds fill the other's
// latency: 61 ns per HMAC (measured on the development VM's AMD EPYC).
//
// Limits: only the compression function over whole 64-byte blocks from a
// given midstate. The caller pads its messages (and so must know they fit one
// block after the midstate), and turns the resulting words into digest bytes.
// No general hashing, no streaming: use OpenSSL for that.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace csu::ingest {

// SHA-256's eight chaining words a..h; a digest is them in big-endian order.
using Sha256Words = std::array<uint32_t, 8>;

// True when this CPU has the SHA extensions (and the SSE4.1 and SSSE3 they
// are used with). Sha256CompressMany must not be called otherwise.
// Thread-safe.
bool HasSha256Multi();

// For each i < n: out[i] = the SHA-256 compression of the 64-byte block at
// blocks + 64 * i, starting from `midstate`. Blocks are message bytes as they
// appear in the stream (the function reads them as big-endian words).
// Requires HasSha256Multi(). `out` must not overlap `blocks`. Thread-safe: no
// state.
void Sha256CompressMany(const Sha256Words& midstate, const uint8_t* blocks, size_t n, Sha256Words* out);

}  // namespace csu::ingest
