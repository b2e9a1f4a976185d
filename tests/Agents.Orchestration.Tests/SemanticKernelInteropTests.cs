using System.ComponentModel;
using System.Text.Json;
using Agents.Backends.OpenAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Agents.Orchestration.Tests;

public class SemanticKernelInteropTests
{
    /// <summary>A Semantic Kernel plugin that records its calls.</summary>
    public sealed class MathPlugin
    {
        public List<(int A, int B)> Calls { get; } = [];

        [KernelFunction("add")]
        [Description("Adds two integers.")]
        public int Add([Description("First addend")] int a, [Description("Second addend")] int b)
        {
            Calls.Add((a, b));
            return a + b;
        }
    }

    private static PromptExecutionSettings AutoInvoke => new() { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

    [Fact]
    public async Task Kernel_OverGeneratorChatCompletion_CallsThePluginFunctionAndAnswers()
    {
        var plugin = new MathPlugin();
        var script = new ScriptedGenerator()
            .Then(request =>
            {
                var tool = Assert.Single(request.Options!.Tools!);
                Assert.Contains("add", tool.Name, StringComparison.Ordinal);
                return ScriptedGenerator.CallResult(new ToolCall("call_1", tool.Name, """{"a":19,"b":23}"""));
            })
            .Then(request =>
            {
                var result = request.Messages[^1];
                Assert.Equal(MessageRole.Tool, result.Role);
                Assert.Equal("call_1", result.ToolCallId);
                Assert.Equal("42", result.Text);
                return new GenerationResult("19 + 23 = 42.");
            });
        var builder = Kernel.CreateBuilder().AddGeneratorChatCompletion(script.Generator);
        builder.Plugins.AddFromObject(plugin, "math");
        var kernel = builder.Build();

        var answer = await kernel.InvokePromptAsync("What is 19 + 23?", new KernelArguments(AutoInvoke));

        Assert.Equal("19 + 23 = 42.", answer.GetValue<string>());
        Assert.Equal([(19, 23)], plugin.Calls);
        Assert.IsAssignableFrom<IChatCompletionService>(kernel.GetRequiredService<IChatCompletionService>());
    }

    [Fact]
    public async Task Kernel_GeneratorFromServices_IsUsedWhenNoneIsGiven()
    {
        var script = new ScriptedGenerator().ThenAnswer("from DI");
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<IGenerator>(script.Generator);
        builder.AddGeneratorChatCompletion();

        var answer = await builder.Build().InvokePromptAsync("hello");

        Assert.Equal("from DI", answer.GetValue<string>());
    }

    [Fact]
    public async Task Kernel_KeyedGenerator_IsSelectedByServiceId()
    {
        var fast = new ScriptedGenerator().ThenAnswer("fast");
        var smart = new ScriptedGenerator().ThenAnswer("smart");
        var kernel = Kernel.CreateBuilder()
            .AddGeneratorChatCompletion(fast.Generator, "fast")
            .AddGeneratorChatCompletion(smart.Generator, "smart")
            .Build();

        var answer = await kernel.InvokePromptAsync("hi", new KernelArguments(new PromptExecutionSettings { ServiceId = "smart" }));

        Assert.Equal("smart", answer.GetValue<string>());
        Assert.Empty(fast.Requests);
    }

    [Fact]
    public async Task Kernel_OverOpenAIBackendOnLoopback_CallsThePluginFunction()
    {
        await using var server = await LoopbackChatServer.StartAsync();
        server
            .Then(body =>
            {
                var name = body.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString()!;
                return LoopbackChatServer.ToolCallCompletion("call_9", name, """{"a":40,"b":2}""");
            })
            .Then(body =>
            {
                var last = body.GetProperty("messages").EnumerateArray().Last();
                Assert.Equal("tool", last.GetProperty("role").GetString());
                Assert.Equal("call_9", last.GetProperty("tool_call_id").GetString());
                return LoopbackChatServer.TextCompletion("It is " + last.GetProperty("content").GetString() + ".");
            });
        using var http = new HttpClient();
        using var generator = new OpenAIGenerator(http, new OpenAIGeneratorOptions { Endpoint = server.BaseAddress, Model = "loopback-model", ApiKey = "sk-loopback" });
        var plugin = new MathPlugin();
        var builder = Kernel.CreateBuilder().AddGeneratorChatCompletion(generator);
        builder.Plugins.AddFromObject(plugin, "math");

        var answer = await builder.Build().InvokePromptAsync("What is 40 + 2?", new KernelArguments(AutoInvoke));

        Assert.Equal("It is 42.", answer.GetValue<string>());
        Assert.Equal([(40, 2)], plugin.Calls);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Kernel_OverBareChatClient_ReturnsTheRawCallWithoutCallingThePlugin()
    {
        // The trap AddGeneratorChatCompletion exists for: without SK's function invocation the plugin is never called.
        var plugin = new MathPlugin();
        var script = new ScriptedGenerator().Then(request =>
            ScriptedGenerator.CallResult(new ToolCall("call_1", request.Options!.Tools![0].Name, """{"a":1,"b":2}""")));
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(script.Generator.AsChatClient());
        builder.Plugins.AddFromObject(plugin, "math");

        await builder.Build().InvokePromptAsync("1 + 2?", new KernelArguments(AutoInvoke));

        Assert.Empty(plugin.Calls);
        Assert.Single(script.Requests);
    }

    [Fact]
    public async Task ChatCompletionService_OverGenerator_AnswersAChatHistory()
    {
        var script = new ScriptedGenerator().Then(request =>
        {
            Assert.Equal([MessageRole.System, MessageRole.User], request.Messages.Select(m => m.Role));
            return new GenerationResult("Bonjour.");
        });
        var service = script.Generator.AsChatCompletionService();
        var history = new ChatHistory("Answer in French.");
        history.AddUserMessage("Hello");

        var reply = await service.GetChatMessageContentAsync(history);

        Assert.Equal("Bonjour.", reply.Content);
    }

    [Fact]
    public async Task KernelPlugin_AsAgentTools_RunsInsideOurAgent()
    {
        var plugin = new MathPlugin();
        var kernel = new Kernel();
        var tools = KernelPluginFactory.CreateFromObject(plugin, "math").AsAgentTools(kernel);
        var tool = Assert.Single(tools);
        Assert.Equal("math_add", tool.Name);
        Assert.Equal("Adds two integers.", tool.Description);
        Assert.Equal(["a", "b"], tool.Definition.ParametersSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var options = new AgentOptions { Name = "sk" };
        options.Tools.Add(tool);
        var script = new ScriptedGenerator()
            .ThenCall(("math_add", """{"a":"oops"}"""))
            .ThenCall(("math_add", """{"a":2,"b":5}"""))
            .ThenAnswer("7");

        var result = await new Agent(script.Generator, options).RunAsync("2+5?");

        Assert.Equal([(2, 5)], plugin.Calls);
        var answers = result.Messages.Where(m => m.Role == MessageRole.Tool).Select(m => m.Text).ToList();
        Assert.StartsWith("Error: invalid arguments", answers[0], StringComparison.Ordinal);
        Assert.Equal("7", answers[1]);
    }

    [Fact]
    public async Task KernelFunction_AsAgentTool_KeepsTheFunctionsSchema()
    {
        var function = KernelFunctionFactory.CreateFromMethod((int x) => x * 2, "double_it", "Doubles x.");

        var tool = function.AsAgentTool();
        var output = await tool.Function.InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["x"] = JsonSerializer.SerializeToElement(21) }));

        Assert.Equal("double_it", tool.Name);
        Assert.Equal("42", ToolExecutor.Format(output));
        Assert.True(tool.Validator.TryValidate("""{"x":3}""", out _, out _));
        Assert.False(tool.Validator.TryValidate("""{"x":"three"}""", out _, out _));
    }

    [Fact]
    public async Task AgentTools_AsKernelPlugin_AreCallableFromAKernel()
    {
        var kernel = new Kernel();
        kernel.Plugins.Add(new[] { BuiltInTools.Calculator() }.AsKernelPlugin("tools"));

        var result = await kernel.InvokeAsync("tools", "calculator", new KernelArguments { ["expression"] = "6 * 7" });

        Assert.Equal("42", result.GetValue<object>()?.ToString());
    }
}
