import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load

required_conan_version = ">=2.0"


class MailslotConan(ConanFile):
    """Conan 2 recipe of the source tree it lives in: `conan create .`"""

    name = "mailslot"
    description = "Windows mailslots behind small, safe, modern C++ types"
    license = "BSL-1.0"
    topics = ("windows", "ipc", "mailslot", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    # module: the C++20 module mailslot::module (import mailslot;), a static
    # library built with the project's CMake (3.28 or later); off by default.
    options = {"module": [True, False]}
    default_options = {"module": False}
    exports_sources = "include/*", "LICENSE", "CMakeLists.txt", "cmake/*", "modules/*"
    no_copy_source = True
    test_package_folder = "tests/package/conan"

    def set_version(self):
        # The version lives once, in include/mailslot/version.hpp.
        text = load(self, os.path.join(self.recipe_folder, "include", "mailslot", "version.hpp"))
        self.version = ".".join(
            re.search(rf"^#define MAILSLOT_VERSION_{part} (\d+)$", text, re.MULTILINE).group(1)
            for part in ("MAJOR", "MINOR", "PATCH"))

    def configure(self):
        if self.options.module:
            self.package_type = "static-library"

    def layout(self):
        if self.options.module:
            cmake_layout(self)

    def validate(self):
        if self.settings.os != "Windows":
            raise ConanInvalidConfiguration("mailslot needs Windows (desktop): mailslots are a Win32 API")
        check_min_cppstd(self, 20 if self.options.module else 17)

    def package_id(self):
        if not self.info.options.module:
            self.info.clear()

    def generate(self):
        if self.options.module:
            toolchain = CMakeToolchain(self)
            toolchain.cache_variables["MAILSLOT_MODULE"] = True
            toolchain.cache_variables["MAILSLOT_INSTALL"] = True
            toolchain.cache_variables["MAILSLOT_BUILD_TESTS"] = False
            toolchain.cache_variables["MAILSLOT_BUILD_EXAMPLES"] = False
            toolchain.generate()

    def build(self):
        if self.options.module:
            cmake = CMake(self)
            cmake.configure()
            cmake.build()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        if self.options.module:
            CMake(self).install()  # the headers, the module's library and interface unit, the package
        else:
            copy(self, "*", os.path.join(self.source_folder, "include"),
                 os.path.join(self.package_folder, "include"))  # (the .ipp files too)

    def package_info(self):
        self.cpp_info.bindirs = []
        # ConvertStringSecurityDescriptorToSecurityDescriptorW (SDDL security descriptors).
        self.cpp_info.system_libs = ["advapi32"]
        self.cpp_info.set_property("pkg_config_name", "mailslot")
        if self.options.module:
            # The module's interface unit is a CXX_MODULES file set, which only
            # the project's own package files carry: CMake finds those
            # (find_package(mailslot COMPONENTS module)), not files Conan makes.
            self.cpp_info.set_property("cmake_find_mode", "none")
            self.cpp_info.builddirs = [os.path.join("share", "cmake", "mailslot")]
            self.cpp_info.libs = ["mailslot_module"]
        else:
            self.cpp_info.libdirs = []
            self.cpp_info.set_property("cmake_file_name", "mailslot")
            self.cpp_info.set_property("cmake_target_name", "mailslot::mailslot")
