#!/usr/bin/env python3
"""The Conan recipe's own logic, without Conan (which does not run on the
development machines; the Windows workflow runs `conan create`): conanfile.py
is loaded with stand-ins for the parts of Conan's API it calls, which record
what the recipe asks of them. Checked, for the option "module" off (the
default) and on: the package type and id, C++17 or C++20, whether CMake
builds (with MAILSLOT_MODULE), what is packaged, and what consumers get.

Usage: conan_recipe_check.py <conanfile.py>
"""

import importlib.util
import sys
import types

# The recipe is loaded from the source tree, which its bytecode cache must
# not be written into.
sys.dont_write_bytecode = True

calls = []


class Settings(dict):
    def __getattr__(self, name):
        return self[name]


class Options(dict):
    def __getattr__(self, name):
        return self[name]


class Properties:
    def __init__(self):
        self.values = {}

    def set_property(self, name, value):
        self.values[name] = value


class CppInfo(Properties):
    def __init__(self):
        super().__init__()
        self.bindirs = ["bin"]
        self.libdirs = ["lib"]
        self.builddirs = []
        self.libs = []
        self.system_libs = []


class Info:
    def __init__(self, options):
        self.options = options
        self.cleared = False

    def clear(self):
        self.cleared = True


class ConanFile:
    def __init__(self, module):
        self.settings = Settings(os="Windows")
        self.options = Options(module=module)
        self.info = Info(self.options)
        self.cpp_info = CppInfo()
        self.source_folder = "/src"
        self.package_folder = "/pkg"
        self.recipe_folder = "/src"


class Toolchain:
    def __init__(self, conanfile):
        self.cache_variables = {}

    def generate(self):
        calls.append(("toolchain", dict(self.cache_variables)))


class CMake:
    def __init__(self, conanfile):
        pass

    def configure(self):
        calls.append(("cmake configure",))

    def build(self):
        calls.append(("cmake build",))

    def install(self):
        calls.append(("cmake install",))


class Invalid(Exception):
    pass


def stand_ins():
    def module(name, **members):
        made = types.ModuleType(name)
        made.__dict__.update(members)
        sys.modules[name] = made

    module("conan", ConanFile=ConanFile)
    module("conan.errors", ConanInvalidConfiguration=Invalid)
    module("conan.tools")
    module("conan.tools.build",
           check_min_cppstd=lambda conanfile, std: calls.append(("cppstd", std)))
    module("conan.tools.cmake", CMake=CMake, CMakeToolchain=Toolchain,
           cmake_layout=lambda conanfile: calls.append(("cmake_layout",)))
    module("conan.tools.files",
           copy=lambda conanfile, pattern, src, dst: calls.append(("copy", pattern)),
           load=lambda conanfile, path: "")


def run(recipe, module):
    calls.clear()
    conanfile = recipe(module)
    for step in ("configure", "layout", "validate", "package_id", "generate", "build",
                 "package", "package_info"):
        if hasattr(conanfile, step):
            getattr(conanfile, step)()
    return conanfile


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    stand_ins()
    spec = importlib.util.spec_from_file_location("recipe", sys.argv[1])
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    recipe = loaded.MailslotConan
    problems = []

    def expect(condition, what):
        if not condition:
            problems.append(what)

    expect(recipe.default_options == {"module": False}, "the option module is not off by default")

    header_only = run(recipe, False)
    expect(header_only.package_type == "header-library", "without the module: not header-only")
    expect(header_only.info.cleared, "without the module: the package id is not cleared")
    expect(("cppstd", 17) in calls, "without the module: C++17 is not what it asks for")
    expect(not any(c[0].startswith("cmake") or c[0] == "toolchain" for c in calls),
           "without the module: CMake runs")
    expect(("copy", "*") in calls,
           "without the module: the include tree is not packaged whole (the .ipp files too)")
    expect(header_only.cpp_info.libdirs == [] and header_only.cpp_info.libs == [],
           "without the module: a library is announced")
    expect(header_only.cpp_info.values.get("cmake_target_name") == "mailslot::mailslot",
           "without the module: no mailslot::mailslot target")

    with_module = run(recipe, True)
    expect(with_module.package_type == "static-library", "with the module: not a static library")
    expect(not with_module.info.cleared, "with the module: the package id is cleared")
    expect(("cppstd", 20) in calls, "with the module: C++20 is not what it asks for")
    toolchains = [c[1] for c in calls if c[0] == "toolchain"]
    expect(toolchains and toolchains[0].get("MAILSLOT_MODULE") is True
           and toolchains[0].get("MAILSLOT_BUILD_TESTS") is False,
           "with the module: CMake is not asked for MAILSLOT_MODULE without tests")
    expect(("cmake build",) in calls and ("cmake install",) in calls,
           "with the module: CMake does not build and install it")
    expect(with_module.cpp_info.libs == ["mailslot_module"], "with the module: no library")
    expect(with_module.cpp_info.values.get("cmake_find_mode") == "none"
           and "share/cmake/mailslot" in [d.replace("\\", "/") for d in with_module.cpp_info.builddirs],
           "with the module: consumers do not get the project's own package files")
    expect(with_module.cpp_info.system_libs == ["advapi32"], "with the module: advapi32 is lost")

    for problem in problems:
        print("conan recipe:", problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("conan recipe: header-only by default; with module=True, the C++20 module built by CMake")


if __name__ == "__main__":
    main()
