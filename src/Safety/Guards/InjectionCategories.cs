namespace Agents.Safety.Guards;

/// <summary>The finding names the prompt-injection scorer reports (also used as metric and log values).</summary>
public static class InjectionCategories
{
    /// <summary>Phrases that tell the model to ignore, replace or reveal its instructions.</summary>
    public const string InstructionOverride = "instruction-override";

    /// <summary>Role-play set-ups that ask the model to drop its rules (DAN, "unfiltered mode", "pretend you have no restrictions").</summary>
    public const string RolePlayJailbreak = "role-play-jailbreak";

    /// <summary>Fake system or role markers and chat-template tokens (<c>&lt;|im_start|&gt;system</c>, <c>[INST]</c>, <c>### System:</c>).</summary>
    public const string FakeRoleMarker = "fake-role-marker";

    /// <summary>An injection hidden in base64, hex or rot13.</summary>
    public const string EncodedPayload = "encoded-payload";

    /// <summary>Text a reader would not see: HTML comments, CSS-hidden text, invisible or tag characters.</summary>
    public const string HiddenText = "hidden-text";

    /// <summary>Markdown images or links that would send data to a URL.</summary>
    public const string Exfiltration = "exfiltration";

    /// <summary>Control, zero-width or bidirectional-override characters were removed.</summary>
    public const string InvisibleCharacters = "invisible-characters";
}
