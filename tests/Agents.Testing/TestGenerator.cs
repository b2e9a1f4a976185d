using System.Runtime.CompilerServices;

namespace Agents.Testing;

/// <summary>
/// A hand-written generator for tests: each member runs the callback property of the same name, so a test
/// states exactly what the "backend" does. Records every request it receives.
/// </summary>
public sealed class TestGenerator : IGenerator
{
    private readonly List<GenerationRequest> _requests = [];

    /// <summary>Runs for <see cref="GenerateAsync"/>; by default echoes the last message's text.</summary>
    public Func<GenerationRequest, CancellationToken, Task<GenerationResult>>? GenerateAsyncCallback { get; set; }

    /// <summary>Runs for <see cref="StreamAsync"/>; by default streams the last message's text word by word.</summary>
    public Func<GenerationRequest, CancellationToken, IAsyncEnumerable<GenerationUpdate>>? StreamAsyncCallback { get; set; }

    /// <summary>Runs for <see cref="GetService"/>; by default answers with this instance or <see cref="Metadata"/>.</summary>
    public Func<Type, object?, object?>? GetServiceCallback { get; set; }

    /// <summary>The metadata this generator reports.</summary>
    public GeneratorMetadata Metadata { get; set; } = new("test", "test-model", 4096, GeneratorCapabilities.Streaming);

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<GenerationRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>How many times <see cref="Dispose"/> ran.</summary>
    public int DisposeCount { get; private set; }

    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        Record(request);
        return GenerateAsyncCallback is { } callback
            ? callback(request, cancellationToken)
            : Task.FromResult(Echo(request));
    }

    public IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        Record(request);
        return StreamAsyncCallback is { } callback ? callback(request, cancellationToken) : EchoStream(request, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        if (GetServiceCallback is { } callback)
        {
            return callback(serviceType, serviceKey);
        }

        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(Metadata) ? Metadata
            : null;
    }

    public void Dispose() => DisposeCount++;

    /// <summary>The default answer: the last message's text, with usage counted in words.</summary>
    public GenerationResult Echo(GenerationRequest request)
    {
        var text = request.Messages[^1].Text;
        return new GenerationResult(text)
        {
            FinishReason = FinishReason.Stop,
            ModelId = Metadata.ModelId,
            Usage = new Usage { PromptTokens = CountWords(request), CompletionTokens = text.Split(' ').Length },
        };
    }

    private async IAsyncEnumerable<GenerationUpdate> EchoStream(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var result = Echo(request);
        var words = result.Text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new GenerationUpdate { Text = i == 0 ? words[i] : " " + words[i], ModelId = result.ModelId };
        }

        yield return new GenerationUpdate { FinishReason = result.FinishReason, Usage = result.Usage, ModelId = result.ModelId };
    }

    private static int CountWords(GenerationRequest request) => request.Messages.Sum(m => m.Text.Split(' ').Length);

    private void Record(GenerationRequest request)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }
    }
}
