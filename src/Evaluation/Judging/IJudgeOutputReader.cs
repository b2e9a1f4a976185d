using System.Text.Json;

namespace Agents.Evaluation;

/// <summary>
/// The seam through which judges get a structured verdict from a model: today <see cref="RepairingJudgeOutputReader"/>
/// (parse, validate, send the error back, retry); the structured-output support of Agents.Safety can replace it.
/// </summary>
internal interface IJudgeOutputReader
{
    /// <summary>Asks <paramref name="judge"/> and returns the first reply that <paramref name="parse"/> accepts.</summary>
    /// <param name="judge">The judge model.</param>
    /// <param name="request">The prompt; never mutated.</param>
    /// <param name="parse">Returns the verdict, or an error message describing what is wrong with the JSON.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    Task<T> ReadAsync<T>(IGenerator judge, GenerationRequest request, Func<JsonElement, (T? Value, string? Error)> parse, CancellationToken cancellationToken)
        where T : class;
}
