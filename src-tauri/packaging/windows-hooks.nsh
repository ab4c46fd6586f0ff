; Madoguchi's NSIS installer hooks (tauri.conf.json > bundle.windows.nsis.installerHooks;
; docs/installing.md). The hub PC may run the hub as the Windows service MadoguchiHub, which runs
; $INSTDIR\madoguchi.exe (operator manual 6-14 (B)):
; - an upgrade stops the service (a running program cannot be replaced) and starts it again
;   once the new files are in place, if it was running;
; - uninstalling (not the uninstall an upgrade runs) removes the service first, so it does not
;   point at a deleted program. The data directory and the passphrase file stay: data leaves a
;   PC only through the end-of-contract wipe.
; On a seat PC there is no such service and each step does nothing.

Var MadoguchiHubWasRunning

!macro NSIS_HOOK_PREINSTALL
  StrCpy $MadoguchiHubWasRunning 0
  nsExec::ExecToStack 'cmd.exe /c sc.exe query MadoguchiHub | findstr /c:"RUNNING"'
  Pop $0
  Pop $1
  ${If} $0 == 0
    StrCpy $MadoguchiHubWasRunning 1
    DetailPrint "Stopping the hub service MadoguchiHub for the upgrade"
    nsExec::ExecToLog 'sc.exe stop MadoguchiHub'
    Pop $0
    ${For} $2 1 30
      Sleep 1000
      nsExec::ExecToStack 'cmd.exe /c sc.exe query MadoguchiHub | findstr /c:"STOPPED"'
      Pop $0
      Pop $1
      ${If} $0 == 0
        ${Break}
      ${EndIf}
    ${Next}
  ${EndIf}
!macroend

!macro NSIS_HOOK_POSTINSTALL
  ${If} $MadoguchiHubWasRunning == 1
    DetailPrint "Starting the hub service MadoguchiHub again"
    nsExec::ExecToLog 'sc.exe start MadoguchiHub'
    Pop $0
  ${EndIf}
!macroend

!macro NSIS_HOOK_PREUNINSTALL
  ${If} $UpdateMode <> 1
    ${If} ${FileExists} "$INSTDIR\madoguchi.exe"
      DetailPrint "Removing the hub service MadoguchiHub, if this PC has it"
      nsExec::ExecToLog '"$INSTDIR\madoguchi.exe" hub uninstall-service'
      Pop $0
    ${EndIf}
  ${EndIf}
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
!macroend
