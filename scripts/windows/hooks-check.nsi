; A minimal installer around Madoguchi's NSIS hooks (src-tauri/packaging/windows-hooks.nsh), for
; scripts/windows-check.sh: its install section runs the upgrade hooks around where the files
; would be copied, its uninstaller the uninstall hooks. Build: makensis -DHOOKS=<path> -DOUT=<exe>.
; 64-bit, so it runs under a 64-bit-only Wine (the hooks do not depend on it).
Target amd64-unicode
!include LogicLib.nsh
!include FileFunc.nsh
; The installer's own hooks, as Tauri's NSIS template includes them.
!include "${HOOKS}"
Var UpdateMode
Name "hooks check"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\Madoguchi"
RequestExecutionLevel admin
Section
  StrCpy $UpdateMode 0
  !insertmacro NSIS_HOOK_PREINSTALL
  DetailPrint "files would be copied here"
  !insertmacro NSIS_HOOK_POSTINSTALL
  WriteUninstaller "$INSTDIR\hooks-uninstall.exe"
SectionEnd
Section "Uninstall"
  StrCpy $UpdateMode 0
  !insertmacro NSIS_HOOK_PREUNINSTALL
  !insertmacro NSIS_HOOK_POSTUNINSTALL
SectionEnd
