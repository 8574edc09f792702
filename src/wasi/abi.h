// The wasi_snapshot_preview1 ABI: enum values, flag bits and the byte layouts of the
// structures host functions read from and write to guest memory (wasm32: pointers and
// sizes are 32-bit, structures are naturally aligned).
#pragma once

#include <cstdint>

namespace ironclad::wasi::abi {

// filetype
constexpr uint8_t kFiletypeUnknown = 0;
constexpr uint8_t kFiletypeBlockDevice = 1;
constexpr uint8_t kFiletypeCharacterDevice = 2;
constexpr uint8_t kFiletypeDirectory = 3;
constexpr uint8_t kFiletypeRegularFile = 4;
constexpr uint8_t kFiletypeSocketDgram = 5;
constexpr uint8_t kFiletypeSocketStream = 6;
constexpr uint8_t kFiletypeSymbolicLink = 7;

// fdflags
constexpr uint16_t kFdflagAppend = 1;
constexpr uint16_t kFdflagDsync = 2;
constexpr uint16_t kFdflagNonblock = 4;
constexpr uint16_t kFdflagRsync = 8;
constexpr uint16_t kFdflagSync = 16;

// oflags
constexpr uint16_t kOflagCreat = 1;
constexpr uint16_t kOflagDirectory = 2;
constexpr uint16_t kOflagExcl = 4;
constexpr uint16_t kOflagTrunc = 8;

// lookupflags
constexpr uint32_t kLookupSymlinkFollow = 1;

// fstflags
constexpr uint16_t kFstflagAtim = 1;
constexpr uint16_t kFstflagAtimNow = 2;
constexpr uint16_t kFstflagMtim = 4;
constexpr uint16_t kFstflagMtimNow = 8;

// whence
constexpr uint8_t kWhenceSet = 0;
constexpr uint8_t kWhenceCur = 1;
constexpr uint8_t kWhenceEnd = 2;

// clockid
constexpr uint32_t kClockRealtime = 0;
constexpr uint32_t kClockMonotonic = 1;
constexpr uint32_t kClockProcessCputime = 2;
constexpr uint32_t kClockThreadCputime = 3;

// rights: what each fd may be used for. Every call checks the rights it needs (ENOTCAPABLE
// without them); rights only ever shrink (fd_fdstat_set_rights, path_open's inheriting).
constexpr uint64_t kRightFdDatasync = 1ull << 0;
constexpr uint64_t kRightFdRead = 1ull << 1;
constexpr uint64_t kRightFdSeek = 1ull << 2;
constexpr uint64_t kRightFdFdstatSetFlags = 1ull << 3;
constexpr uint64_t kRightFdSync = 1ull << 4;
constexpr uint64_t kRightFdTell = 1ull << 5;
constexpr uint64_t kRightFdWrite = 1ull << 6;
constexpr uint64_t kRightFdAdvise = 1ull << 7;
constexpr uint64_t kRightFdAllocate = 1ull << 8;
constexpr uint64_t kRightPathCreateDirectory = 1ull << 9;
constexpr uint64_t kRightPathCreateFile = 1ull << 10;
constexpr uint64_t kRightPathLinkSource = 1ull << 11;
constexpr uint64_t kRightPathLinkTarget = 1ull << 12;
constexpr uint64_t kRightPathOpen = 1ull << 13;
constexpr uint64_t kRightFdReaddir = 1ull << 14;
constexpr uint64_t kRightPathReadlink = 1ull << 15;
constexpr uint64_t kRightPathRenameSource = 1ull << 16;
constexpr uint64_t kRightPathRenameTarget = 1ull << 17;
constexpr uint64_t kRightPathFilestatGet = 1ull << 18;
constexpr uint64_t kRightPathFilestatSetSize = 1ull << 19;
constexpr uint64_t kRightPathFilestatSetTimes = 1ull << 20;
constexpr uint64_t kRightFdFilestatGet = 1ull << 21;
constexpr uint64_t kRightFdFilestatSetSize = 1ull << 22;
constexpr uint64_t kRightFdFilestatSetTimes = 1ull << 23;
constexpr uint64_t kRightPathSymlink = 1ull << 24;
constexpr uint64_t kRightPathRemoveDirectory = 1ull << 25;
constexpr uint64_t kRightPathUnlinkFile = 1ull << 26;
constexpr uint64_t kRightPollFdReadwrite = 1ull << 27;
constexpr uint64_t kRightSockShutdown = 1ull << 28;
constexpr uint64_t kRightSockAccept = 1ull << 29;
constexpr uint64_t kRightsAll = (1ull << 30) - 1;  // fd_datasync .. sock_accept
// The rights that make path_open ask the kernel for read / write access (those wasi-libc
// adds for O_RDONLY / O_WRONLY).
constexpr uint64_t kRightsReading = kRightFdRead | kRightFdReaddir;
constexpr uint64_t kRightsWriting =
    kRightFdDatasync | kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize;

// preopentype
constexpr uint8_t kPreopentypeDir = 0;

// eventtype (subscription and event tags)
constexpr uint8_t kEventtypeClock = 0;
constexpr uint8_t kEventtypeFdRead = 1;
constexpr uint8_t kEventtypeFdWrite = 2;

// subclockflags
constexpr uint16_t kSubclockAbstime = 1;
// eventrwflags
constexpr uint16_t kEventFdReadwriteHangup = 1;

// Structure layouts: sizes and field offsets.
namespace iovec {  // also ciovec
constexpr uint32_t kSize = 8, kBuf = 0, kBufLen = 4;
}
namespace fdstat {
constexpr uint32_t kSize = 24, kFiletype = 0, kFlags = 2, kRightsBase = 8, kRightsInheriting = 16;
}
namespace filestat {
constexpr uint32_t kSize = 64, kDev = 0, kIno = 8, kFiletype = 16, kNlink = 24, kSize_ = 32,
                   kAtim = 40, kMtim = 48, kCtim = 56;
}
namespace prestat {
constexpr uint32_t kSize = 8, kTag = 0, kNameLen = 4;
}
namespace dirent {  // followed by d_namlen bytes of name
constexpr uint32_t kSize = 24, kNext = 0, kIno = 8, kNamlen = 16, kType = 20;
}
namespace subscription {
constexpr uint32_t kSize = 48, kUserdata = 0, kTag = 8, kClockId = 16, kClockTimeout = 24,
                   kClockPrecision = 32, kClockFlags = 40, kFdFd = 16;
}
namespace event {
constexpr uint32_t kSize = 32, kUserdata = 0, kError = 8, kType = 10, kFdNbytes = 16,
                   kFdFlags = 24;
}

}  // namespace ironclad::wasi::abi
