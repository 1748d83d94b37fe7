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
static_assert(sizeof(IMAGE_THUNK_DATA) == sizeof(void*), "one thunk per imported function");
static_assert(sizeof(IMAGE_NT_HEADERS) ==
                  (sizeof(void*) == 8 ? sizeof(IMAGE_NT_HEADERS64) : sizeof(IMAGE_NT_HEADERS32)),
              "the NT headers of this program's bitness");

/// Points this program's import of `function` (from any DLL; every entry, if
/// the program imports it more than once) at `replacement`; returns the
/// previous address of the first, or nullptr if the program does not import
/// it.
inline void* patch_import(const char* function, void* replacement) {
  auto* base = reinterpret_cast<unsigned char*>(::GetModuleHandleW(nullptr));
  const auto* dos = reinterpret_cast<const IMAGE_DOS_HEADER*>(base);
  const auto* nt = reinterpret_cast<const IMAGE_NT_HEADERS*>(base + dos->e_lfanew);
  const auto& directory = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  auto* import = reinterpret_cast<IMAGE_IMPORT_DESCRIPTOR*>(base + directory.VirtualAddress);
  void* first = nullptr;
  for (; import->Name != 0; ++import) {
    auto* names = reinterpret_cast<IMAGE_THUNK_DATA*>(base + import->OriginalFirstThunk);
    auto* slots = reinterpret_cast<IMAGE_THUNK_DATA*>(base + import->FirstThunk);
    for (; names->u1.AddressOfData != 0; ++names, ++slots) {
      if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) {
        continue;
      }
      const auto* by_name =
          reinterpret_cast<const IMAGE_IMPORT_BY_NAME*>(base + names->u1.AddressOfData);
      if (std::strcmp(reinterpret_cast<const char*>(by_name->Name), function) != 0) {
        continue;
      }
      DWORD protection = 0;
      ::VirtualProtect(&slots->u1.Function, sizeof(slots->u1.Function), PAGE_READWRITE,
                       &protection);
      void* original = reinterpret_cast<void*>(slots->u1.Function);
      slots->u1.Function = reinterpret_cast<ULONG_PTR>(replacement);
      ::VirtualProtect(&slots->u1.Function, sizeof(slots->u1.Function), protection, &protection);
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
