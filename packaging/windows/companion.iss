; Inno Setup 6 script of Companion's Windows installer. Not built here (the project's
; machines run Linux); packaging/README.md, "Windows", says how to build it on Windows:
;   1. py -3.11 -m venv .venv-bundle, then install requirements\app.txt and
;      requirements\bundle.txt into it (pip --require-hashes)
;   2. .venv-bundle\Scripts\pyinstaller --noconfirm packaging\companion.spec   -> dist\companion
;   3. iscc packaging\windows\companion.iss                                      -> dist\
;
; Learners rarely have administrator rights on their own computer: the installer installs
; for the current user by default ({localappdata}\Programs\Companion), with no UAC prompt;
; a training centre's administrator installs for all users with /ALLUSERS (silently:
; /VERYSILENT /ALLUSERS) and writes the machine policy to
; C:\ProgramData\Companion\Companion\policy.toml (packaging/README.md).

#define AppName "Companion"
#define AppVersion "0.1.0"  ; companion/__init__.py; tests/unit/test_packaging.py keeps them equal
#define AppExe "companion.exe"

[Setup]
AppId={{6B0C2F0E-4E1B-4C6A-9D7A-2F5C1E8B3A10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Companion team
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=companion-{#AppVersion}-windows-x64-setup
; LZMA2 at its strongest, solid: the smallest download on a metered line.
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
; An update replaces files the running app holds open: ask it to close first.
CloseApplications=yes

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The PyInstaller folder, as built from packaging\companion.spec.
Source: "..\..\dist\companion\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Registry]
; A browser sign-in to a training centre's Moodle ends on companion-desktop://: Windows
; starts Companion with that address, which hands it to the window already open.
Root: HKCU; Subkey: "Software\Classes\companion-desktop"; ValueType: string; ValueName: ""; ValueData: "URL:Companion sign-in"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\companion-desktop"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\companion-desktop\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The learner's data (%LOCALAPPDATA%\Companion\Companion) is kept on uninstall: it holds
; progress that may not have reached the platform yet.
