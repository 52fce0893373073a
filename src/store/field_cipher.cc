#include "store/field_cipher.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "core/file.h"
#include "ingest/pseudonymiser.h"
#include "store/sqlite_db.h"

namespace csu::store {
namespace {

constexpr size_t kNonce = 12, kTag = 16;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string Aad(const CipherDomain& d, int64_t case_id, std::string_view field) {
  // "|case:" for every domain: the CHC bytes as they were before the move.
  return std::string(d.aad_label) + "|case:" + std::to_string(case_id) + "|field:" + std::string(field);
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

}  // namespace

FieldCipher::~FieldCipher() { OPENSSL_cleanse(key_.data(), key_.size()); }
FieldCipher::FieldCipher(FieldCipher&& o) noexcept : key_(o.key_), domain_(o.domain_) {
  OPENSSL_cleanse(o.key_.data(), o.key_.size());
}
FieldCipher& FieldCipher::operator=(FieldCipher&& o) noexcept {
  key_ = o.key_;
  domain_ = o.domain_;
  OPENSSL_cleanse(o.key_.data(), o.key_.size());
  return *this;
}

FieldCipher FieldCipher::FromKey(const std::array<uint8_t, 32>& key, const CipherDomain& domain) {
  FieldCipher c;
  c.key_ = key;
  c.domain_ = &domain;
  return c;
}

Result<FieldCipher> FieldCipher::Open(const std::string& path, bool create_if_missing, const CipherDomain& domain) {
  const std::string noun = domain.noun;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return MakeError(path, "cannot read the " + noun + ": " + std::strerror(errno));
    if (!create_if_missing)
      return MakeError(path, noun + " not found; the identifiable fields were encrypted under the key used before");
    if (size_t slash = path.find_last_of('/'); slash != std::string::npos && slash > 0) {
      const std::string dir = path.substr(0, slash);
      struct stat dir_st {};
      if (::stat(dir.c_str(), &dir_st) != 0) {  // a new directory for keys: the owner's alone
        if (Status s = MakeDirectories(dir); !s.ok()) return s.error();
        ::chmod(dir.c_str(), 0700);
      }
    }
    std::array<uint8_t, 32> key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
      return MakeError(path, "the operating system's random generator failed");
    std::string text = std::string(domain.key_header) + "\n" + ingest::ToHex(key.data(), key.size()) + "\n";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return MakeError(path, "cannot create the " + noun + ": " + std::strerror(errno));
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    OPENSSL_cleanse(text.data(), text.size());
    if (!ok) {
      ::unlink(path.c_str());
      return MakeError(path, "cannot write the " + noun);
    }
    FieldCipher c = FromKey(key, domain);
    OPENSSL_cleanse(key.data(), key.size());
    return c;
  }
  if ((st.st_mode & 077) != 0) return MakeError(path, noun + " may be read by group or others; run: chmod 600 " + path);
  auto text = ReadFile(path);
  if (!text.ok()) return text.error();
  std::string& s = text.value();
  const std::string header = std::string(domain.key_header) + "\n";
  std::array<uint8_t, 32> key{};
  bool ok = s.size() >= header.size() + 64 && s.compare(0, header.size(), header) == 0;
  for (size_t i = 0; ok && i < 32; ++i) {
    int hi = HexValue(s[header.size() + 2 * i]), lo = HexValue(s[header.size() + 2 * i + 1]);
    if (hi < 0 || lo < 0) ok = false;
    else key[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  OPENSSL_cleanse(s.data(), s.size());
  if (!ok) return MakeError(path, "is not an OpenCSU " + noun + " file");
  FieldCipher c = FromKey(key, domain);
  OPENSSL_cleanse(key.data(), key.size());
  return c;
}

Result<std::string> FieldCipher::Seal(int64_t case_id, std::string_view field, std::string_view plain) const {
  const std::string where = std::string(domain_->record_word) + " " + std::to_string(case_id) + " " + std::string(field);
  std::string out(kNonce + plain.size() + kTag, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(bytes, kNonce) != 1) return MakeError(where, "the operating system's random generator failed");
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  const std::string aad = Aad(*domain_, case_id, field);
  int len = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), bytes) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), bytes + kNonce, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                              static_cast<int>(plain.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), bytes + kNonce + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, bytes + kNonce + plain.size()) == 1;
  if (!ok) return MakeError(where, "encryption failed");
  return out;
}

Result<std::string> FieldCipher::Open(int64_t case_id, std::string_view field, std::string_view sealed) const {
  const std::string where = std::string(domain_->record_word) + " " + std::to_string(case_id) + " " + std::string(field);
  if (sealed.size() < kNonce + kTag) return MakeError(where, "the stored field is too short to be a sealed value");
  const size_t n = sealed.size() - kNonce - kTag;
  const auto* in = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string plain(n, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  const std::string aad = Aad(*domain_, case_id, field);
  std::array<unsigned char, kTag> tag{};
  std::memcpy(tag.data(), in + kNonce + n, kTag);
  int len = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), in) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, in + kNonce,
                              static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1;
  int final_len = 0;
  if (!ok || EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &final_len) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return MakeError(where, std::string("does not open under this ") + domain_->noun +
                                " (a wrong key, a changed value, or a value from another " + domain_->record_word +
                                " or field)");
  }
  return plain;
}

std::string FieldCipher::Fingerprint() const {
  const std::string_view label = domain_->fingerprint_label;
  unsigned char mac[32];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(label.data()),
       label.size(), mac, &mac_len);
  return ingest::ToHex(mac, 16);
}

Status CheckKeyFingerprint(SqliteDb& db, const FieldCipher& cipher, const std::string& meta_key,
                           const std::string& key_option) {
  const std::string fp = cipher.Fingerprint();
  return InTransaction(db, [&]() -> Status {
    CSU_ASSIGN_OR_RETURN(q, db.Prepare("SELECT value FROM meta WHERE key = ?1"));
    q.Bind(1, meta_key);
    CSU_ASSIGN_OR_RETURN(row, q.Step());
    if (row) {
      if (q.Text(0) != fp)
        return MakeError(db.path(), std::string("this is not the ") + cipher.domain().noun +
                                        " the fields here were sealed under (fingerprint differs); use the " +
                                        key_option + " file this folder was created with");
      return Status::Ok();
    }
    q.Reset();
    CSU_ASSIGN_OR_RETURN(ins, db.Prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)"));
    return ins.Bind(1, meta_key).Bind(2, fp).Run();
  });
}

}  // namespace csu::store
