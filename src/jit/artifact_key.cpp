#include "jit/artifact_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ironclad::jit {
namespace {

Error key_error(ErrorKind kind, const std::filesystem::path& file, const std::string& why) {
  return Error::make(kind, file.string() + ": " + why +
                               " (the artifact signing key; precompiled code is not used)");
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads an existing key file, checking that only this user can know or change the key.
Result<ArtifactKey> read_key(const std::filesystem::path& file) {
  Fd f{::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) return key_error(ErrorKind::Io, file, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(f.fd, &st) != 0)
    return key_error(ErrorKind::Io, file, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return key_error(ErrorKind::Usage, file, "not a regular file");
  if (st.st_uid != ::geteuid())
    return key_error(ErrorKind::Usage, file,
                     "owned by uid " + std::to_string(st.st_uid) + ", not by this user (uid " +
                         std::to_string(::geteuid()) + ")");
  if ((st.st_mode & 077) != 0)
    return key_error(ErrorKind::Usage, file, "group or others may read or write it (chmod 600)");
  if (st.st_size != static_cast<off_t>(sizeof(ArtifactKey)))
    return key_error(ErrorKind::Usage, file,
                     std::to_string(st.st_size) + " bytes, a key has " +
                         std::to_string(sizeof(ArtifactKey)));
  ArtifactKey key;
  size_t got = 0;
  while (got < key.size()) {
    ssize_t n = ::read(f.fd, key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return key_error(ErrorKind::Io, file, "cannot read");
    got += static_cast<size_t>(n);
  }
  return key;
}

// Writes a fresh key to a temporary file and links it into place: link() fails if another
// process got there first, and then its key is the one everybody uses.
Result<void> create_key(const std::filesystem::path& file) {
  ArtifactKey key;
  size_t got = 0;
  while (got < key.size()) {
    ssize_t n = ::getrandom(key.data() + got, key.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return key_error(ErrorKind::Io, file, "no random bytes for a new key");
    got += static_cast<size_t>(n);
  }
  std::filesystem::path temporary =
      file.string() + ".tmp" + std::to_string(::getpid()) + "." +
      std::to_string(reinterpret_cast<uintptr_t>(&key));
  Fd f{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (f.fd < 0)
    return key_error(ErrorKind::Io, file, std::string("cannot create: ") + std::strerror(errno));
  bool written = ::write(f.fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
                 ::fsync(f.fd) == 0;
  int err = errno;
  if (written && ::link(temporary.c_str(), file.c_str()) != 0 && errno != EEXIST) {
    written = false;
    err = errno;
  }
  ::unlink(temporary.c_str());
  if (!written) return key_error(ErrorKind::Io, file, std::string("cannot write: ") + std::strerror(err));
  return {};
}

}  // namespace

Result<ArtifactKey> load_or_create_artifact_key(const std::filesystem::path& file) {
  struct stat st;
  if (::lstat(file.c_str(), &st) != 0) {
    if (errno != ENOENT)
      return key_error(ErrorKind::Io, file, std::string("cannot stat: ") + std::strerror(errno));
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    IRONCLAD_TRY(create_key(file));
  }
  return read_key(file);
}

ArtifactMac artifact_mac(const ArtifactKey& key, std::span<const uint8_t> bytes) {
  ArtifactMac mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes.data(), bytes.size(),
       mac.data(), &length);
  return mac;
}

bool same_mac(std::span<const uint8_t> a, const ArtifactMac& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), b.size()) == 0;
}

}  // namespace ironclad::jit
