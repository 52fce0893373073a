// Bytes as lower-case hex text, and back: how binary content (document
// versions, evidence files, sealed fields, batch chunks) crosses the SQL
// interface, which binds text and integers only, into PostgreSQL, whose
// text may not hold a NUL byte (decode(?, 'hex') / encode(col, 'hex')).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace csu::store {

// Two lower-case hex digits per byte.
std::string HexOfBytes(std::string_view bytes);
// The bytes again; nullopt when `hex` has an odd length or a character that
// is not a hex digit (either case is read).
std::optional<std::string> BytesOfHex(std::string_view hex);

}  // namespace csu::store
