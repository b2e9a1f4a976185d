using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Agents.Safety.StructuredOutput;

/// <summary>
/// Structured output on any <see cref="IGenerator"/>: one call that returns a value validated against a JSON schema,
/// or throws <see cref="ValidationFailedException"/> listing every error; never unvalidated JSON.
/// </summary>
/// <remarks>
/// The schema is sent as the response format (the local backend decodes under a grammar built from it; OpenAI-compatible
/// servers get <c>response_format: json_schema</c>), and also written into the prompt for a generator that does not
/// advertise <see cref="GeneratorCapabilities.JsonSchema"/> or has been seen ignoring the format. Every answer is
/// validated; an invalid one is repaired by asking again with the errors, up to
/// <see cref="StructuredOutputOptions.MaxAttempts"/> attempts.
/// </remarks>
public static class GeneratorStructuredOutputExtensions
{
    /// <summary>Generates a <typeparamref name="T"/>, with the JSON schema exported from <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type to produce; its schema comes from System.Text.Json's <see cref="JsonSchemaExporter"/>.</typeparam>
    /// <param name="generator">The generator.</param>
    /// <param name="request">The conversation and options (not changed: a copy is sent).</param>
    /// <param name="options">How to validate and repair; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The validated value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> or <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="ValidationFailedException">No attempt produced schema-valid JSON; <see cref="ValidationFailedException.Violations"/> lists every error of every attempt.</exception>
    /// <exception cref="InvalidRequestException">The backend cannot honour the schema (for example a construct the local grammar does not support).</exception>
    public static async Task<T> GenerateJsonAsync<T>(
        this IGenerator generator, GenerationRequest request, StructuredOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        var serializer = (options ?? new StructuredOutputOptions()).SerializerOptions;
        var runner = new StructuredOutputRunner<T>(generator, request, SchemaFor<T>(serializer), options, json => Deserialize<T>(json, serializer));
        var (value, _) = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>Generates a <typeparamref name="T"/> from a single user prompt.</summary>
    /// <typeparam name="T">The type to produce.</typeparam>
    /// <param name="generator">The generator.</param>
    /// <param name="prompt">The user's message.</param>
    /// <param name="generationOptions">The generation options (copied).</param>
    /// <param name="options">How to validate and repair.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The validated value.</returns>
    /// <exception cref="ValidationFailedException">No attempt produced schema-valid JSON.</exception>
    public static Task<T> GenerateJsonAsync<T>(
        this IGenerator generator, string prompt, GenerationOptions? generationOptions = null, StructuredOutputOptions? options = null, CancellationToken cancellationToken = default) =>
        generator.GenerateJsonAsync<T>(new GenerationRequest([Message.User(prompt)], generationOptions), options, cancellationToken);

    /// <summary>Generates JSON that conforms to <paramref name="schema"/>.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="request">The conversation and options (not changed: a copy is sent).</param>
    /// <param name="schema">The JSON schema.</param>
    /// <param name="options">How to validate and repair.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The validated JSON.</returns>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not an object or is not a valid schema, or the options are invalid.</exception>
    /// <exception cref="ValidationFailedException">No attempt produced schema-valid JSON; every error is listed.</exception>
    public static async Task<JsonElement> GenerateJsonAsync(
        this IGenerator generator, GenerationRequest request, JsonElement schema, StructuredOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        var runner = new StructuredOutputRunner<JsonElement>(generator, request, schema, options, static json => json);
        var (value, _) = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>Streams the answer as progressively completed partial JSON, ending with the validated <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type to produce.</typeparam>
    /// <param name="generator">The generator.</param>
    /// <param name="request">The conversation and options.</param>
    /// <param name="options">How to validate and repair.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>Partial updates, then one with <see cref="StructuredUpdate{T}.IsFinal"/> set; a repair restarts with a higher <see cref="StructuredUpdate{T}.Attempt"/>.</returns>
    /// <exception cref="ValidationFailedException">Thrown while enumerating when no attempt produced schema-valid JSON.</exception>
    public static IAsyncEnumerable<StructuredUpdate<T>> StreamJsonAsync<T>(
        this IGenerator generator, GenerationRequest request, StructuredOutputOptions? options = null, CancellationToken cancellationToken = default)
    {
        var serializer = (options ?? new StructuredOutputOptions()).SerializerOptions;
        var runner = new StructuredOutputRunner<T>(generator, request, SchemaFor<T>(serializer), options, json => Deserialize<T>(json, serializer));
        return runner.StreamAsync(cancellationToken);
    }

    /// <summary>Streams JSON that conforms to <paramref name="schema"/> as progressively completed partial JSON, ending with the validated value.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="request">The conversation and options.</param>
    /// <param name="schema">The JSON schema.</param>
    /// <param name="options">How to validate and repair.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>Partial updates, then the final validated one.</returns>
    /// <exception cref="ValidationFailedException">Thrown while enumerating when no attempt produced schema-valid JSON.</exception>
    public static IAsyncEnumerable<StructuredUpdate<JsonElement>> StreamJsonAsync(
        this IGenerator generator, GenerationRequest request, JsonElement schema, StructuredOutputOptions? options = null, CancellationToken cancellationToken = default) =>
        new StructuredOutputRunner<JsonElement>(generator, request, schema, options, static json => json).StreamAsync(cancellationToken);

    /// <summary>Gets what has been observed about <paramref name="generator"/>'s handling of JSON-schema response formats.</summary>
    /// <param name="generator">The generator.</param>
    /// <returns>Unknown, honoured or ignored.</returns>
    public static ResponseFormatSupport GetObservedResponseFormatSupport(this IGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return ResponseFormatProbe.Get(generator);
    }

    /// <summary>The JSON schema System.Text.Json exports for <typeparamref name="T"/> (reference types not null at the root).</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="serializerOptions">The serializer options whose naming the schema follows; <see cref="JsonSerializerOptions.Web"/> when <see langword="null"/>.</param>
    /// <returns>The schema.</returns>
    public static JsonElement SchemaFor<T>(JsonSerializerOptions? serializerOptions = null)
    {
        var node = (serializerOptions ?? JsonSerializerOptions.Web).GetJsonSchemaAsNode(
            typeof(T), new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        return JsonSerializer.SerializeToElement(node, JsonNodeContext.Default.JsonNode);
    }

    private static T Deserialize<T>(JsonElement json, JsonSerializerOptions options) =>
        json.Deserialize<T>(options) ?? throw new JsonException($"The JSON is null, not a {typeof(T).Name}.");
}
