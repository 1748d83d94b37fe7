# The port of the source tree it lives in (ports/mailslot/ of a checkout):
#   vcpkg install mailslot --overlay-ports=<checkout>/ports
# A port for a registry would fetch a release with vcpkg_from_github instead.
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

set(VCPKG_BUILD_TYPE release)  # header-only: nothing differs between configurations

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    -DMAILSLOT_INSTALL=ON
    -DMAILSLOT_BUILD_TESTS=OFF
    -DMAILSLOT_BUILD_EXAMPLES=OFF)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/mailslot)
vcpkg_fixup_pkgconfig()

# The license goes where vcpkg keeps it, not under share/doc.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
