#!/usr/bin/env bash
# Installs the system tools rtsite's tests compare against (dcmtk, gdcm, pydicom, plastimatch, dcm2niix, dicom3tools, ...),
# the C compiler for rtsite-archive's native reads,
# and the Orthanc DICOMweb server the DICOMweb tests start.
# Idempotent: does nothing when everything is present. Needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail
need=()
command -v dcmdump >/dev/null 2>&1 || need+=(dcmtk)
command -v plastimatch >/dev/null 2>&1 || need+=(plastimatch)
command -v dcm2niix >/dev/null 2>&1 || need+=(dcm2niix)
command -v gdcmconv >/dev/null 2>&1 || need+=(libgdcm-tools)
command -v dciodvfy >/dev/null 2>&1 || need+=(dicom3tools)
/usr/bin/python3 -c 'import pydicom' >/dev/null 2>&1 || need+=(python3-pydicom)
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fontconfig fonts-dejavu-core)
command -v Orthanc >/dev/null 2>&1 || [ -x /usr/sbin/Orthanc ] || need+=(orthanc)
dpkg -s orthanc-dicomweb >/dev/null 2>&1 || need+=(orthanc-dicomweb)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# rtsite-archive's native reads (io_uring) are built from C where a compiler is found (docs/archive.md)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # the DICOMweb tests start their own Orthanc on free ports; the package's system service is not wanted
  if [[ " ${need[*]} " == *" orthanc "* ]]; then
    $SUDO systemctl disable --now orthanc >/dev/null 2>&1 || $SUDO service orthanc stop >/dev/null 2>&1 || true
  fi
fi
echo "setup: ok"
