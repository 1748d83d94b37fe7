# The port of the source tree it lives in (ports/mailslot/ of a checkout):
#   vcpkg install mailslot --overlay-ports=<checkout>/ports
# A port for a registry would fetch a release with vcpkg_from_github instead.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

# The feature "module" (off by default): the C++20 module, a static library.
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS FEATURES module MAILSLOT_MODULE)
if("module" IN_LIST FEATURES)
  vcpkg_check_linkage(ONLY_STATIC_LIBRARY)
else()
  set(VCPKG_BUILD_TYPE release)  # header-only: nothing differs between configurations
endif()

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DMAILSLOT_INSTALL=ON
    -DMAILSLOT_BUILD_TESTS=OFF
    -DMAILSLOT_BUILD_EXAMPLES=OFF
    ${FEATURE_OPTIONS})
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/mailslot)
# mailslot.pc links advapi32 (a non-empty Libs:), so it goes where vcpkg wants
# a library's, lib/pkgconfig: its post-build check allows share/pkgconfig only
# for a .pc without Libs. (The same depth below the prefix: its relative
# prefix still holds.)
foreach(_prefix IN ITEMS "" "debug/")
  if(EXISTS "${CURRENT_PACKAGES_DIR}/${_prefix}share/pkgconfig/mailslot.pc")
    file(MAKE_DIRECTORY "${CURRENT_PACKAGES_DIR}/${_prefix}lib/pkgconfig")
    file(RENAME "${CURRENT_PACKAGES_DIR}/${_prefix}share/pkgconfig/mailslot.pc"
                "${CURRENT_PACKAGES_DIR}/${_prefix}lib/pkgconfig/mailslot.pc")
    file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/${_prefix}share/pkgconfig")
  endif()
endforeach()
# (With the module, the debug configuration is built too: only its library
# is kept, as vcpkg's post-build checks want.)
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug/include" "${CURRENT_PACKAGES_DIR}/debug/share")
vcpkg_fixup_pkgconfig()

# The license goes where vcpkg keeps it, not under share/doc.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
