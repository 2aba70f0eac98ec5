; Windows installer for the kiosk (NSIS 3). Build the one-folder app on a Windows host first:
;   .venv\Scripts\python packaging\build.py            -> dist\kiosk\kiosk.exe
; then compile this script (on Windows or on Linux with Debian's `nsis` package):
;   makensis /DAPP_DIR=..\..\dist\kiosk /DVERSION=0.1.0 /DOUT_FILE=..\..\dist\kiosk-setup.exe packaging\windows\kiosk.nsi
;
; It installs to "C:\Program Files\Kiosk", puts a site config in C:\ProgramData\Kiosk\site.toml
; (kept on upgrade and uninstall), and can start the kiosk at logon under `kiosk supervise`,
; which restarts it when it exits or its GUI stops sending heartbeats. For a locked-down kiosk
; use Shell Launcher instead (see packaging/README.md).
Unicode true
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!ifndef APP_DIR
  !define APP_DIR "..\..\dist\kiosk"
!endif
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "..\..\dist\kiosk-setup-${VERSION}.exe"
!endif
!ifndef SITE_TEMPLATE
  !define SITE_TEMPLATE "${APP_DIR}\site-template.toml"  ; written by packaging\build.py
!endif
!if /FileExists "${APP_DIR}\kiosk.exe"
!else
  !error "${APP_DIR}\kiosk.exe not found: build the app on Windows with packaging\build.py first"
!endif

!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Kiosk"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

!include "MUI2.nsh"
!include "x64.nsh"

Name "Service Kiosk ${VERSION}"
OutFile "${OUT_FILE}"
InstallDir "$PROGRAMFILES64\Kiosk"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
BrandingText "Service Kiosk ${VERSION}"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

Section "Kiosk (required)" SecApp
  SectionIn RO
  SetShellVarContext all
  ; an old version must not be running while its files are replaced
  nsExec::Exec 'taskkill /IM kiosk.exe /F'
  SetOutPath "$INSTDIR"
  File /r "${APP_DIR}\*.*"
  ; the site config: written once, never overwritten (the technician edits it)
  CreateDirectory "$APPDATA\Kiosk"
  IfFileExists "$APPDATA\Kiosk\site.toml" +2 0
    File "/oname=$APPDATA\Kiosk\site.toml" "${SITE_TEMPLATE}"
  CreateDirectory "$APPDATA\Kiosk\data"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "Service Kiosk"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "Kiosk team"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ; technician shortcuts: the self-test keeps its window open so it can be read out
  CreateDirectory "$SMPROGRAMS\Kiosk"
  CreateShortcut "$SMPROGRAMS\Kiosk\Kiosk self-test.lnk" "$SYSDIR\cmd.exe" '/k ""$INSTDIR\kiosk.exe" selftest"'
  CreateShortcut "$SMPROGRAMS\Kiosk\Site config.lnk" "$WINDIR\notepad.exe" '"$APPDATA\Kiosk\site.toml"'
  CreateShortcut "$SMPROGRAMS\Kiosk\Kiosk (windowed).lnk" "$INSTDIR\kiosk.exe" "run --windowed"
  CreateShortcut "$SMPROGRAMS\Kiosk\Uninstall.lnk" "$INSTDIR\uninstall.exe"
SectionEnd

Section "Start the kiosk at logon (supervised)" SecAutostart
  SetShellVarContext all
  WriteRegStr HKLM "${RUN_KEY}" "Kiosk" '"$INSTDIR\kiosk.exe" supervise -- "$INSTDIR\kiosk.exe" run'
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  nsExec::Exec 'taskkill /IM kiosk.exe /F'
  DeleteRegValue HKLM "${RUN_KEY}" "Kiosk"
  DeleteRegKey HKLM "${UNINST_KEY}"
  RMDir /r "$SMPROGRAMS\Kiosk"
  RMDir /r "$INSTDIR"
  ; $APPDATA\Kiosk (site config, models added on site) stays: remove it by hand if wanted
SectionEnd
