using System.Text.Json;

namespace Agents.Safety.StructuredOutput;

/// <summary>One step of a streamed structured answer: the JSON completed so far, and at the end the validated value.</summary>
/// <typeparam name="T">The type the final JSON is deserialized into.</typeparam>
public sealed class StructuredUpdate<T>
{
    /// <summary>Gets the JSON generated so far, completed into a valid value (open strings, objects and arrays closed).</summary>
    /// <value>Not validated against the schema until <see cref="IsFinal"/>.</value>
    public required JsonElement Partial { get; init; }

    /// <summary>Gets the attempt this update belongs to (1 for the first; a repair restarts the partial object).</summary>
    public required int Attempt { get; init; }

    /// <summary>Gets whether this is the last update: <see cref="Partial"/> is the whole, validated answer.</summary>
    public bool IsFinal { get; init; }

    /// <summary>Gets the validated, deserialized value.</summary>
    /// <value>Set only when <see cref="IsFinal"/>.</value>
    public T? Value { get; init; }
}
