# Installation layout and the Debian package (CPack DEB generator).
#
#   cpack -G DEB                 # in the build folder, twinsmsd and twinsmsctl built:
#                                # twinsms_<version>_amd64.deb (+ twinsms-dbgsym_<version>_amd64.ddeb)
#   cmake --build BUILD --target deb   # the same, building the two binaries first
#   cmake --install BUILD [--prefix /usr/local]   # the same files without a package
#
# What goes where (the package's prefix is /usr):
#   bin/twinsmsd, bin/twinsmsctl               src/app, tools/ctl install() rules
#   lib/systemd/system/twinsmsd.service        tools/systemd (ExecStart rewritten to this prefix's bin)
#   /etc/twinsms/                              profiles/package: a single-node set, conffiles
#   share/doc/twinsms/                         README.md, examples/ (profiles/example, profiles/pair)
#   share/man/man{1,5,8}/*.gz                  man/ (roff sources), gzipped when installed
#   share/bash-completion/completions/twinsmsctl   tools/completion/twinsmsctl.bash
#   share/twinsms/ops/{prometheus,grafana}/    tools/ops: scrape configuration, alert rules (and their
#                                              promtool tests), Grafana dashboard
# The store, /var/lib/twinsms/store, is the unit's StateDirectory; postinst
# creates the twinsms user (tools/package/postinst, prerm, postrm).

# Installing (and so cpack, which installs first) takes what is built and builds
# nothing: without this, cpack would build the whole tree (tests, benches) at
# -j1 first. `cmake --build BUILD --target deb` builds the two binaries and
# makes the package.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
add_custom_target(deb
  COMMAND ${CMAKE_CPACK_COMMAND} -G DEB --config ${PROJECT_BINARY_DIR}/CPackConfig.cmake
  WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
  COMMENT "cpack -G DEB: twinsms_${PROJECT_VERSION}_<arch>.deb"
  USES_TERMINAL VERBATIM)
add_dependencies(deb twinsmsd twinsmsctl)

set(TWINSMS_PACKAGE_PROFILES ${PROJECT_SOURCE_DIR}/profiles/package)
set(TWINSMS_CONFDIR /etc/twinsms)

# The unit, with its /usr/bin paths pointing at this install's bin.
install(CODE "
  file(READ \"${PROJECT_SOURCE_DIR}/tools/systemd/twinsmsd.service\" unit)
  string(REPLACE \"/usr/bin/twinsmsd\" \"\${CMAKE_INSTALL_PREFIX}/bin/twinsmsd\" unit \"\${unit}\")
  set(dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
  file(MAKE_DIRECTORY \"\${dir}\")
  message(STATUS \"Installing: \${dir}/twinsmsd.service\")
  file(WRITE \"\${dir}/twinsmsd.service\" \"\${unit}\")
  file(CHMOD \"\${dir}/twinsmsd.service\" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${dir}/twinsmsd.service\")
")

# Profiles: /etc/twinsms, 0750 and 0640 (they hold passwords; postinst gives
# them to group twinsms). `cmake --install` never overwrites an existing file
# there (your edits); the package always starts from a fresh staging folder,
# and dpkg keeps edited conffiles on upgrade.
file(GLOB_RECURSE twinsms_profile_files CONFIGURE_DEPENDS RELATIVE ${TWINSMS_PACKAGE_PROFILES}
     ${TWINSMS_PACKAGE_PROFILES}/*.yaml)
list(SORT twinsms_profile_files)
set(twinsms_conffiles "")
foreach(f IN LISTS twinsms_profile_files)
  string(APPEND twinsms_conffiles "${TWINSMS_CONFDIR}/${f}\n")
endforeach()
install(CODE "
  set(root \"\$ENV{DESTDIR}${TWINSMS_CONFDIR}\")
  foreach(f ${twinsms_profile_files})
    get_filename_component(sub \"\${f}\" DIRECTORY)
    if(sub)
      set(sub \"/\${sub}\")
    endif()
    if(EXISTS \"\${root}/\${f}\")
      message(STATUS \"Kept (exists): \${root}/\${f}\")
    else()
      # (file(INSTALL) prefixes DESTDIR itself)
      file(INSTALL \"${TWINSMS_PACKAGE_PROFILES}/\${f}\" DESTINATION \"${TWINSMS_CONFDIR}\${sub}\"
           FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
    endif()
  endforeach()
  file(CHMOD \"\${root}\" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
")

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/twinsms)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/profiles/example ${PROJECT_SOURCE_DIR}/profiles/pair
        DESTINATION share/doc/twinsms/examples)

# Man pages: roff sources in man/, gzipped (-n: no name or time stamp, so the
# package is reproducible) into the install tree; gzip is essential in Debian.
foreach(page twinsmsd.8 twinsmsctl.1 twinsms-profiles.5)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  install(CODE "
    set(dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/share/man/man${section}\")
    file(MAKE_DIRECTORY \"\${dir}\")
    message(STATUS \"Installing: \${dir}/${page}.gz\")
    execute_process(COMMAND gzip -9n -c \"${PROJECT_SOURCE_DIR}/man/${page}\"
                    OUTPUT_FILE \"\${dir}/${page}.gz\" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"gzip man/${page}: \${rc}\")
    endif()
    file(CHMOD \"\${dir}/${page}.gz\" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${dir}/${page}.gz\")
  ")
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/tools/completion/twinsmsctl.bash
        DESTINATION share/bash-completion/completions RENAME twinsmsctl)
install(FILES ${PROJECT_SOURCE_DIR}/tools/ops/prometheus/prometheus.yml
              ${PROJECT_SOURCE_DIR}/tools/ops/prometheus/twinsms-rules.yml
              ${PROJECT_SOURCE_DIR}/tools/ops/prometheus/twinsms-rules.test.yml
        DESTINATION share/twinsms/ops/prometheus)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/ops/prometheus/make-config DESTINATION share/twinsms/ops/prometheus)
install(FILES ${PROJECT_SOURCE_DIR}/tools/ops/grafana/twinsms.json DESTINATION share/twinsms/ops/grafana)

# ---- CPack: one package, twinsms, for Debian 12 (amd64) ----
set(CPACK_PACKAGE_NAME twinsms)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "twinsms")
set(TWINSMS_PACKAGE_MAINTAINER "twinsms maintainers <twinsms@example.org>" CACHE STRING
    "Maintainer field of the Debian package (Name <email>)")
set(CPACK_PACKAGE_CONTACT "${TWINSMS_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SMPP 3.4 SMS router for a live-live pair of sites")
set(CPACK_PACKAGE_DESCRIPTION
    "twinsms is an SMPP 3.4 SMS router: an SMPP server for client applications (ESMEs), an SMPP client to
carriers (SMSCs), a durable LMDB store-and-forward queue, routing and delivery receipts, and a takeover
between two sites that loses nothing. This package holds the node daemon (twinsmsd), its systemd unit,
the operator CLI (twinsmsctl) and a single-node profile set in /etc/twinsms.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY twinsms)
set(CPACK_STRIP_FILES OFF) # the debug info goes to the -dbgsym package instead
set(CPACK_GENERATOR DEB)

set(CPACK_DEBIAN_PACKAGE_NAME twinsms)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # twinsms_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the binaries' NEEDED libraries (dpkg-shlibdeps, Debian's dpkg-dev),
# plus what the maintainer scripts run.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata") # tzdata: quiet hours read zones from /usr/share/zoneinfo
# Debug info split into twinsms-dbgsym_<version>_<arch>.ddeb (by build id,
# under /usr/lib/debug/.build-id); the .deb carries stripped binaries.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)

configure_file(${PROJECT_SOURCE_DIR}/tools/package/postinst ${PROJECT_BINARY_DIR}/package/postinst COPYONLY)
configure_file(${PROJECT_SOURCE_DIR}/tools/package/prerm ${PROJECT_BINARY_DIR}/package/prerm COPYONLY)
configure_file(${PROJECT_SOURCE_DIR}/tools/package/postrm ${PROJECT_BINARY_DIR}/package/postrm COPYONLY)
file(WRITE ${PROJECT_BINARY_DIR}/package/conffiles "${twinsms_conffiles}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/package/conffiles
    ${PROJECT_BINARY_DIR}/package/postinst
    ${PROJECT_BINARY_DIR}/package/prerm
    ${PROJECT_BINARY_DIR}/package/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON) # scripts 0755, conffiles 0644

# Only what the install() rules name, from the build folder (no source package).
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
