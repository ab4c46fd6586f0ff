; Madoguchi's NSIS installer hooks (tauri.conf.json > bundle.windows.nsis.installerHooks;
; docs/installing.md). The hub PC may run the hub as the Windows service MadoguchiHub, which runs
; $INSTDIR\madoguchi.exe (operator manual 6-14 (B)); a running program cannot be replaced or
; deleted, so:
; - the installer stops a running MadoguchiHub before the files are copied, and starts it again
;   after;
; - the uninstaller stops it too and notes that it did (HKLM\Software\Madoguchi\HubService,
;   StoppedByUninstaller). An upgrade may run the old version's uninstaller first ("uninstall
;   before installing", without /UPDATE), so the uninstaller cannot tell an upgrade from a removal:
;   it never removes the service. The installer that follows starts it again. To remove Madoguchi
;   from the hub PC for good, `madoguchi hub uninstall-service` comes first (operator manual 6-14).
; On a seat PC there is no such service and each step does nothing.

Var MadoguchiHubWasRunning

; Stops MadoguchiHub if it runs (waiting up to 30 s); $0 = 1 if it was running.
!macro MADOGUCHI_STOP_HUB_SERVICE
  StrCpy $0 0
  nsExec::ExecToStack 'cmd.exe /c sc.exe query MadoguchiHub | findstr /c:"RUNNING"'
  Pop $1
  Pop $2
  ${If} $1 == 0
    StrCpy $0 1
    DetailPrint "Stopping the hub service MadoguchiHub"
    nsExec::ExecToLog 'sc.exe stop MadoguchiHub'
    Pop $1
    ${For} $3 1 30
      Sleep 1000
      nsExec::ExecToStack 'cmd.exe /c sc.exe query MadoguchiHub | findstr /c:"STOPPED"'
      Pop $1
      Pop $2
      ${If} $1 == 0
        ${Break}
      ${EndIf}
    ${Next}
  ${EndIf}
!macroend

!macro NSIS_HOOK_PREINSTALL
  !insertmacro MADOGUCHI_STOP_HUB_SERVICE
  StrCpy $MadoguchiHubWasRunning $0
!macroend

!macro NSIS_HOOK_POSTINSTALL
  ReadRegDWORD $1 HKLM "Software\Madoguchi\HubService" "StoppedByUninstaller"
  ${If} $MadoguchiHubWasRunning == 1
  ${OrIf} $1 == 1
    DetailPrint "Starting the hub service MadoguchiHub again"
    nsExec::ExecToLog 'sc.exe start MadoguchiHub'
    Pop $1
  ${EndIf}
  DeleteRegKey HKLM "Software\Madoguchi\HubService"
!macroend

!macro NSIS_HOOK_PREUNINSTALL
  !insertmacro MADOGUCHI_STOP_HUB_SERVICE
  ${If} $0 == 1
    WriteRegDWORD HKLM "Software\Madoguchi\HubService" "StoppedByUninstaller" 1
  ${EndIf}
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
!macroend
