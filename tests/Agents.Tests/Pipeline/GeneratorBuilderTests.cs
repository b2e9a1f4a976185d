using Agents.Testing;

namespace Agents.Tests.Pipeline;

public class GeneratorBuilderTests
{
    [Fact]
    public async Task Build_SeveralMiddleware_FirstAddedIsOutermost()
    {
        var order = new List<string>();
        var backend = new TestGenerator
        {
            GenerateAsyncCallback = (_, _) =>
            {
                order.Add("backend");
                return Task.FromResult(new GenerationResult("done"));
            },
        };

        var generator = new GeneratorBuilder(backend)
            .Use(inner => new RecordingGenerator(inner, "first", order))
            .Use(inner => new RecordingGenerator(inner, "second", order))
            .Use((inner, _) => new RecordingGenerator(inner, "third", order))
            .Build();

        await generator.GenerateAsync("hi");

        Assert.Equal(["first", "second", "third", "backend"], order);
    }

    [Fact]
    public void Build_FactoryReturnsNull_ThrowsNamingItsIndex()
    {
        var builder = new GeneratorBuilder(new TestGenerator())
            .Use(inner => inner)
            .Use(_ => null!);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_InnerFactoryReturnsNull_Throws()
    {
        var builder = new GeneratorBuilder(_ => null!);

        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void Use_NullFactory_ThrowsArgumentNull()
    {
        var builder = new GeneratorBuilder(new TestGenerator());

        Assert.Throws<ArgumentNullException>(() => builder.Use((Func<IGenerator, IGenerator>)null!));
        Assert.Throws<ArgumentNullException>(() => builder.Use((Func<IGenerator, IServiceProvider, IGenerator>)null!));
    }

    [Fact]
    public void Build_FactoriesReceiveTheServiceProvider()
    {
        var services = new DictionaryServiceProvider { [typeof(string)] = "from services" };
        string? seen = null;

        new GeneratorBuilder(new TestGenerator())
            .Use((inner, sp) =>
            {
                seen = (string?)sp.GetService(typeof(string));
                return inner;
            })
            .Build(services);

        Assert.Equal("from services", seen);
    }

    [Fact]
    public void Build_NoMiddleware_ReturnsTheBackendItself()
    {
        // Requests are validated once, by the backend (docs/architecture.md): the builder adds no entry wrapper.
        var backend = new TestGenerator();

        var generator = new GeneratorBuilder(backend).Build();

        Assert.Same(backend, generator);
    }

    [Fact]
    public async Task Build_InvalidRequest_ReachesTheBackendWhichOwnsValidation()
    {
        var middlewareCalls = 0;
        var backend = new TestGenerator
        {
            GenerateAsyncCallback = (request, _) =>
            {
                GenerationRequestValidator.Validate(request);
                return Task.FromResult(new GenerationResult(Message.Assistant("unreachable")));
            },
        };
        var generator = new GeneratorBuilder(backend)
            .Use(inner => new RecordingGenerator(inner, "m", [], () => middlewareCalls++))
            .Build();

        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new GenerationRequest([])));

        Assert.Equal(1, middlewareCalls);
    }

    [Fact]
    public void GetService_WalksTheChain_FindsMiddlewareAndBackendServices()
    {
        var backend = new TestGenerator();
        var generator = new GeneratorBuilder(backend)
            .Use(inner => new RecordingGenerator(inner, "outer", []))
            .Build();

        Assert.NotNull(generator.GetService<RecordingGenerator>());
        Assert.Same(backend, generator.GetService<TestGenerator>());
        Assert.Equal("test", generator.GetMetadata()?.ProviderName);
        Assert.Null(generator.GetService<RecordingGenerator>(serviceKey: "some key"));
        Assert.Throws<ArgumentNullException>(() => generator.GetService(null!));
    }

    [Fact]
    public void Dispose_Pipeline_DisposesTheBackend()
    {
        var backend = new TestGenerator();
        var generator = new GeneratorBuilder(backend).Use(inner => new RecordingGenerator(inner, "m", [])).Build();

        generator.Dispose();

        Assert.Equal(1, backend.DisposeCount);
    }

    private sealed class RecordingGenerator(IGenerator inner, string name, List<string> order, Action? onCall = null)
        : DelegatingGenerator(inner)
    {
        public override Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
        {
            order.Add(name);
            onCall?.Invoke();
            return base.GenerateAsync(request, cancellationToken);
        }

        public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
        {
            onCall?.Invoke();
            return base.StreamAsync(request, cancellationToken);
        }
    }

    private sealed class DictionaryServiceProvider : Dictionary<Type, object>, IServiceProvider
    {
        public object? GetService(Type serviceType) => TryGetValue(serviceType, out var value) ? value : null;
    }
}
