namespace Agents.Rag.Tests;

/// <summary>
/// A small documentation set for a fictional home-automation hub ("Nimbus"), and questions a user would ask,
/// each labelled with the file and a phrase of the passage that answers it.
/// </summary>
internal static class QualityCorpus
{
    public static readonly (string Path, string Text)[] Files =
    [
        ("setup/installation.md", """
            # Installing the Nimbus hub

            ## Unboxing
            The box contains the Nimbus hub, a USB-C power adapter, an Ethernet cable and a quick start card. Keep the card: it carries the hub's pairing code.

            ## Placement
            Put the hub in a central spot of your home, at least one metre away from microwaves and cordless phone bases, because they disturb the Zigbee radio. Shelves work better than floors.

            ## First boot
            Connect the power adapter. The ring light pulses blue while the hub starts, which takes about ninety seconds. When the ring turns solid green, the hub is ready to pair with the app.
            """),
        ("setup/network.md", """
            # Network settings

            ## Wi-Fi
            The hub joins 2.4 GHz Wi-Fi networks only; 5 GHz networks are not supported. Enter the network name and password in the app under Settings, Network.

            ## Ethernet
            A wired Ethernet connection is more reliable than Wi-Fi. Plug the cable in before the first boot and the hub uses it automatically.

            ## Static IP address
            To give the hub a fixed IP address, reserve one in your router's DHCP settings using the MAC address printed under the hub.
            """),
        ("devices/pairing.md", """
            # Pairing devices

            ## Adding a light bulb
            In the app, tap Add Device, choose Light, then switch the bulb off and on three times. The bulb blinks twice when it has joined the hub.

            ## Pairing limits
            One hub manages up to 128 Zigbee devices and 32 Bluetooth devices. Extra devices need a second hub linked as a satellite.

            ## Removing a device
            Open the device in the app, choose Settings, then Remove. Factory-reset the device afterwards so it can join another hub.
            """),
        ("devices/thermostat.md", """
            # Thermostat

            ## Schedules
            Heating schedules have up to six periods per day. Each period sets a target temperature and the time it starts.

            ## Eco mode
            Eco mode lowers the target temperature by two degrees while nobody is home, detected from the phones of household members.

            ## Calibration
            If the measured temperature seems wrong, apply an offset of up to three degrees under Thermostat, Calibration.
            """),
        ("automation/rules.md", """
            # Automation rules

            ## Triggers and actions
            A rule starts from a trigger, such as motion, sunset or a door opening, and runs one or more actions, such as turning on lights.

            ## Conditions
            Conditions restrict when a rule may run, for example only after dark or only when the alarm is armed.

            ## Rule limits
            Each hub stores up to 250 rules. Rules run locally on the hub, so they keep working when the internet connection is down.
            """),
        ("security/alarm.md", """
            # Alarm system

            ## Arming
            Arm the alarm from the app or the keypad. Away mode watches every sensor; Night mode ignores motion sensors inside bedrooms.

            ## Entry delay
            When a door opens while armed, the siren waits thirty seconds by default so you can disarm it. Change the delay under Alarm, Timing.

            ## Notifications
            When the alarm sounds, every household member gets a push notification, and an optional SMS if a phone number is saved.
            """),
        ("security/privacy.md", """
            # Privacy and data

            ## Data stored in the cloud
            Only the device list and your rules are backed up to the cloud, encrypted. Camera video never leaves your home unless you enable cloud recording.

            ## Deleting your account
            To delete your account and every backup, go to Account, Privacy, Delete Account. Deletion completes within thirty days.

            ## Two-factor authentication
            Turn on two-factor authentication under Account, Security to require a code from an authenticator app at sign-in.
            """),
        ("maintenance/updates.md", """
            # Firmware updates

            ## Automatic updates
            The hub installs firmware updates automatically between 3 and 4 a.m. local time. Devices keep working during the update except for about two minutes.

            ## Manual update
            To update at once, open Settings, Hub, Firmware and tap Check for Updates.

            ## Rolling back
            If an update causes problems, hold the reset button for five seconds to boot the previous firmware version.
            """),
        ("maintenance/troubleshooting.md", """
            # Troubleshooting

            ## Hub offline
            If the app shows the hub as offline, check that the ring light is green, restart your router, then power-cycle the hub.

            ## Device not responding
            A device that stops responding is often out of range. Move it closer to the hub or add a mains-powered device between them to extend the mesh.

            ## Factory reset
            To factory-reset the hub, hold the reset button for twenty seconds until the ring light flashes red. All devices and rules are erased.
            """),
        ("maintenance/batteries.md", """
            # Batteries

            ## Battery life
            Door sensors run about two years on one CR2032 coin cell; motion sensors about eighteen months.

            ## Low battery warnings
            The app warns you when a battery drops below fifteen percent, and again at five percent.

            ## Replacing batteries
            Open the sensor by sliding the back cover down. The sensor keeps its pairing, so there is no need to pair it again after a battery change.
            """),
    ];

    /// <summary>Questions labelled with the answering file and a phrase from the answering passage.</summary>
    public static readonly (string Question, string Path, string Phrase)[] Questions =
    [
        ("What is in the box?", "setup/installation.md", "quick start card"),
        ("Where should I put the hub in my house?", "setup/installation.md", "central spot"),
        ("How do I know when the hub has finished starting up?", "setup/installation.md", "solid green"),
        ("Can the hub connect to a 5 GHz Wi-Fi network?", "setup/network.md", "2.4 GHz"),
        ("Is a cable connection better than wireless?", "setup/network.md", "more reliable"),
        ("How can I give the hub a fixed IP address?", "setup/network.md", "DHCP"),
        ("How do I add a new light bulb?", "devices/pairing.md", "three times"),
        ("How many devices can one hub manage?", "devices/pairing.md", "128 Zigbee"),
        ("How do I remove a device from the hub?", "devices/pairing.md", "Remove"),
        ("How many heating periods can a schedule have per day?", "devices/thermostat.md", "six periods"),
        ("What does eco mode do when nobody is home?", "devices/thermostat.md", "two degrees"),
        ("The thermostat shows the wrong temperature, how can I correct it?", "devices/thermostat.md", "offset"),
        ("What can trigger an automation rule?", "automation/rules.md", "sunset"),
        ("Do rules still work when the internet is down?", "automation/rules.md", "locally"),
        ("How many rules can the hub store?", "automation/rules.md", "250 rules"),
        ("What is the difference between away mode and night mode?", "security/alarm.md", "Night mode"),
        ("How long is the entry delay before the siren sounds?", "security/alarm.md", "thirty seconds"),
        ("Will I get a notification when the alarm goes off?", "security/alarm.md", "push notification"),
        ("Does camera video get uploaded to the cloud?", "security/privacy.md", "Camera video"),
        ("How do I delete my account?", "security/privacy.md", "Delete Account"),
        ("How do I turn on two-factor authentication?", "security/privacy.md", "authenticator"),
        ("When are firmware updates installed?", "maintenance/updates.md", "3 and 4"),
        ("How do I go back to the previous firmware version?", "maintenance/updates.md", "previous firmware"),
        ("The app says my hub is offline, what should I do?", "maintenance/troubleshooting.md", "power-cycle"),
        ("A sensor stopped responding, how can I fix it?", "maintenance/troubleshooting.md", "out of range"),
        ("How do I factory reset the hub?", "maintenance/troubleshooting.md", "twenty seconds"),
        ("How long does a door sensor battery last?", "maintenance/batteries.md", "two years"),
        ("When does the app warn about low batteries?", "maintenance/batteries.md", "fifteen percent"),
        ("Do I need to pair a sensor again after changing its battery?", "maintenance/batteries.md", "keeps its pairing"),
    ];
}
