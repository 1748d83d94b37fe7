import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load

required_conan_version = ">=2.0"


class MailslotConan(ConanFile):
    """Conan 2 recipe of the source tree it lives in: `conan create .`"""

    name = "mailslot"
    description = "Windows mailslots behind small, safe, modern C++ types"
    license = "BSL-1.0"
    url = "https://github.com/mailslot/mailslot"
    homepage = "https://github.com/mailslot/mailslot"
    topics = ("windows", "ipc", "mailslot", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    exports_sources = "include/*", "LICENSE"
    no_copy_source = True
    test_package_folder = "tests/package/conan"

    def set_version(self):
        # The version lives once, in include/mailslot/version.hpp.
        text = load(self, os.path.join(self.recipe_folder, "include", "mailslot", "version.hpp"))
        self.version = ".".join(
            re.search(rf"^#define MAILSLOT_VERSION_{part} (\d+)$", text, re.MULTILINE).group(1)
            for part in ("MAJOR", "MINOR", "PATCH"))

    def validate(self):
        if self.settings.os != "Windows":
            raise ConanInvalidConfiguration("mailslot needs Windows (desktop): mailslots are a Win32 API")
        check_min_cppstd(self, 17)

    def package_id(self):
        self.info.clear()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"),
             os.path.join(self.package_folder, "include"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        # ConvertStringSecurityDescriptorToSecurityDescriptorW (SDDL security descriptors).
        self.cpp_info.system_libs = ["advapi32"]
        self.cpp_info.set_property("cmake_file_name", "mailslot")
        self.cpp_info.set_property("cmake_target_name", "mailslot::mailslot")
        self.cpp_info.set_property("pkg_config_name", "mailslot")
