#ifndef MAILSLOT_TESTS_SUPPORT_IMPORT_PATCH_HPP
#define MAILSLOT_TESTS_SUPPORT_IMPORT_PATCH_HPP

// Redirects a Win32 function the program imports. The library is header-only,
// so its calls go through the program's own import table: patching an entry
// there intercepts the library's calls too (the benchmark counts calls this
// way; tests make calls fail).

#include <windows.h>

#include <cstring>

namespace mailslot_test {

// The walk below reads the import table of the program's own bitness:
// IMAGE_NT_HEADERS and IMAGE_THUNK_DATA are the 32-bit or the 64-bit layouts,
// and a thunk holds one function address.
static_assert(sizeof(IMAGE_THUNK_DATA) == sizeof(void*) && sizeof(ULONG_PTR) == sizeof(void*),
              "one thunk, one address, per imported function");
static_assert(sizeof(IMAGE_NT_HEADERS) ==
                  (sizeof(void*) == 8 ? sizeof(IMAGE_NT_HEADERS64) : sizeof(IMAGE_NT_HEADERS32)),
              "the NT headers of this program's bitness");

// The image's structures are read and written with memcpy, never through a
// pointer of their type: a linker need not align them (lld puts the NT
// headers at file offset 0x78, and import thunks may sit at 4-byte
// boundaries), and a misaligned access is undefined behaviour, which
// -fsanitize=alignment traps.
template <class T>
T read_image(const unsigned char* at) noexcept {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

/// Points this program's import of `function` (from any DLL; every entry, if
/// the program imports it more than once) at `replacement`; returns the
/// previous address of the first, or nullptr if the program does not import
/// it.
inline void* patch_import(const char* function, void* replacement) {
  auto* base = reinterpret_cast<unsigned char*>(::GetModuleHandleW(nullptr));
  const auto dos = read_image<IMAGE_DOS_HEADER>(base);
  const auto nt = read_image<IMAGE_NT_HEADERS>(base + dos.e_lfanew);
  const IMAGE_DATA_DIRECTORY directory =
      nt.OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  void* first = nullptr;
  for (unsigned char* at = base + directory.VirtualAddress;;
       at += sizeof(IMAGE_IMPORT_DESCRIPTOR)) {
    const auto import = read_image<IMAGE_IMPORT_DESCRIPTOR>(at);
    if (import.Name == 0) {
      break;
    }
    const unsigned char* names = base + import.OriginalFirstThunk;
    unsigned char* slots = base + import.FirstThunk;
    for (;; names += sizeof(IMAGE_THUNK_DATA), slots += sizeof(IMAGE_THUNK_DATA)) {
      const auto name = read_image<IMAGE_THUNK_DATA>(names);
      if (name.u1.AddressOfData == 0) {
        break;
      }
      if (IMAGE_SNAP_BY_ORDINAL(name.u1.Ordinal)) {
        continue;
      }
      // (IMAGE_IMPORT_BY_NAME: a WORD hint, then the name's characters.)
      const auto* by_name =
          reinterpret_cast<const char*>(base + name.u1.AddressOfData + sizeof(WORD));
      if (std::strcmp(by_name, function) != 0) {
        continue;
      }
      DWORD protection = 0;
      ::VirtualProtect(slots, sizeof(IMAGE_THUNK_DATA), PAGE_READWRITE, &protection);
      const auto slot = read_image<IMAGE_THUNK_DATA>(slots);
      void* original = reinterpret_cast<void*>(slot.u1.Function);
      const auto address = reinterpret_cast<ULONG_PTR>(replacement);
      std::memcpy(slots, &address, sizeof(address));
      ::VirtualProtect(slots, sizeof(IMAGE_THUNK_DATA), protection, &protection);
      if (first == nullptr) {
        first = original;
      }
    }
  }
  return first;
}

/// Replaces the program's import `name` with `replacement` for as long as it
/// lives; `original()` calls through to the real function.
template <class F>
class import_hook {
 public:
  import_hook(const char* name, F replacement) : name_(name) {
    original_ = reinterpret_cast<F>(patch_import(name, reinterpret_cast<void*>(replacement)));
  }
  import_hook(const import_hook&) = delete;
  import_hook& operator=(const import_hook&) = delete;
  ~import_hook() {
    if (original_ != nullptr) {
      (void)patch_import(name_, reinterpret_cast<void*>(original_));
    }
  }
  /// True if the program imports the function (the hook is in place).
  [[nodiscard]] bool installed() const { return original_ != nullptr; }
  [[nodiscard]] F original() const { return original_; }

 private:
  const char* name_;
  F original_ = nullptr;
};

}  // namespace mailslot_test

#endif
