using System.Text.Encodings.Web;
using System.Text.Json;

namespace Agents.Samples.RagQa;

/// <summary>Writes the machine-readable output of <c>--json</c> to stdout, unwrapped and UTF-8.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(object value)
    {
        using var stdout = Console.OpenStandardOutput();
        JsonSerializer.Serialize(stdout, value, Options);
        stdout.Write("\n"u8);
    }
}
