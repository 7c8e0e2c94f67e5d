// libparallax_network.so (infer/network_module.h). Its entry points come
// from the libraries it links: ParallaxLinkedNetworkModule
// (infer/torch_predictor.cc) and ParallaxRunModuleCommand
// (app/cli/module_commands.cc); this file only anchors the target.
namespace parallax {}
