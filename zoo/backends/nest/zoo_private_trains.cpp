/*
 * zoo_private_trains.cpp: a NEST stimulation device that replays a train of its own to each of
 * its targets (zoo.inputs.private_trains on NEST; private_trains.py says why).
 *
 * Status: "targets" (node ids), "offsets" (one more than targets: target k's train is
 * spike_times[offsets[k]:offsets[k+1]]) and "spike_times" (ms, on the time grid, not decreasing
 * within a train).
 * A time t is the step stamp of the spike, as for spike_generator: the target receives it at
 * t + delay. The weight, delay and receptor are the connection's.
 *
 * Like poisson_generator, the device is copied onto every thread and sends a DSSpikeEvent through
 * its connections in every step in which one of its thread's targets has a spike; event_hook
 * then hands the event on to the targets whose own train has a spike at that step, with the
 * number of its spikes there as multiplicity. Each copy keeps only its thread's targets.
 */
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "event.h"
#include "event_delivery_manager_impl.h"
#include "exceptions.h"
#include "kernel_manager.h"
#include "nest.h"
#include "nest_extension_interface.h"
#include "stimulation_device.h"

namespace zoo
{

class private_trains : public nest::StimulationDevice
{
public:
  private_trains()
    : offsets_( 1, 0 )
  {
  }

  private_trains( const private_trains& other )
    : nest::StimulationDevice( other )
    , targets_( other.targets_ )
    , offsets_( other.offsets_ )
    , steps_( other.steps_ )
  {
  }

  using nest::Node::event_hook;

  size_t
  send_test_event( nest::Node& target, size_t receptor_type, nest::synindex syn_id, bool dummy_target ) override
  {
    enforce_single_syn_type( syn_id );
    if ( dummy_target )
    {
      nest::DSSpikeEvent e;
      e.set_sender( *this );
      return target.handles_test_event( e, receptor_type );
    }
    nest::SpikeEvent e;
    e.set_sender( *this );
    return target.handles_test_event( e, receptor_type );
  }

  void
  get_status( Dictionary& d ) const override
  {
    const double h = nest::Time::get_resolution().get_ms();
    std::vector< double > times( steps_.size() );
    std::transform( steps_.begin(), steps_.end(), times.begin(), [ h ]( long step ) { return step * h; } );
    d[ "targets" ] = targets_;
    d[ "offsets" ] = offsets_;
    d[ "spike_times" ] = times;
    nest::StimulationDevice::get_status( d );
  }

  void
  set_status( const Dictionary& d ) override
  {
    std::vector< long > targets = targets_, offsets = offsets_;
    std::vector< double > times;
    bool changed = d.update_value( "targets", targets );
    changed = d.update_value( "offsets", offsets ) or changed;
    const bool new_times = d.update_value( "spike_times", times );
    std::vector< long > steps = new_times ? on_grid_( times ) : steps_;
    check_( targets, offsets, steps );
    nest::StimulationDevice::set_status( d );
    if ( changed or new_times )
    {
      targets_.swap( targets );
      offsets_.swap( offsets );
      steps_.swap( steps );
      indexed_ = false;
    }
  }

  nest::StimulationDevice::Type
  get_type() const override
  {
    return nest::StimulationDevice::Type::SPIKE_GENERATOR;
  }

private:
  void
  init_state_() override
  {
  }

  void
  init_buffers_() override
  {
    cursor_ = begin_;
    next_active_ = 0;
  }

  void
  pre_run_hook() override
  {
    nest::StimulationDevice::pre_run_hook();
    if ( not indexed_ )
    {
      index_();  // here, not in set_status: each copy knows its thread by now
    }
  }

  static std::vector< long >
  on_grid_( const std::vector< double >& times )
  {
    const double h = nest::Time::get_resolution().get_ms();
    std::vector< long > steps( times.size() );
    for ( size_t i = 0; i < times.size(); ++i )
    {
      const double step = times[ i ] / h;
      steps[ i ] = std::lround( step );
      if ( std::abs( step - steps[ i ] ) > 1e-6 )
      {
        throw nest::BadProperty( "zoo_private_trains: spike_times must lie on the time grid" );
      }
    }
    return steps;
  }

  static void
  check_( const std::vector< long >& targets, const std::vector< long >& offsets, const std::vector< long >& steps )
  {
    if ( offsets.size() != targets.size() + 1 or offsets.front() != 0
      or offsets.back() != static_cast< long >( steps.size() ) )
    {
      throw nest::BadProperty( "zoo_private_trains: offsets must have one entry more than targets, start at 0 and "
                               "end at the number of spike_times" );
    }
    for ( size_t k = 0; k < targets.size(); ++k )
    {
      if ( targets[ k ] < 1 or offsets[ k + 1 ] < offsets[ k ]
        or not std::is_sorted( steps.begin() + offsets[ k ], steps.begin() + offsets[ k + 1 ] ) )
      {
        throw nest::BadProperty( "zoo_private_trains: targets must be node ids, offsets must not decrease and "
                                 "each train's spike_times must not decrease" );
      }
    }
  }

  /** Index this copy's targets (those on its thread) by node id. */
  void
  index_()
  {
    const size_t thread = get_thread();
    const auto& vps = nest::kernel().vp_manager;
    first_id_ = 0;
    slot_.clear();
    begin_.clear();
    end_.clear();
    active_.clear();
    std::vector< size_t > mine;
    for ( size_t k = 0; k < targets_.size(); ++k )
    {
      const size_t id = targets_[ k ];
      if ( vps.is_node_id_vp_local( id ) and vps.vp_to_thread( vps.node_id_to_vp( id ) ) == thread )
      {
        mine.push_back( k );
      }
    }
    if ( not mine.empty() )
    {
      size_t lowest = targets_[ mine.front() ], highest = lowest;
      for ( size_t k : mine )
      {
        lowest = std::min< size_t >( lowest, targets_[ k ] );
        highest = std::max< size_t >( highest, targets_[ k ] );
      }
      first_id_ = lowest;
      slot_.assign( highest - lowest + 1, -1 );
      for ( size_t k : mine )
      {
        if ( slot_[ targets_[ k ] - lowest ] >= 0 )
        {
          throw nest::BadProperty( "zoo_private_trains: a target may appear only once" );
        }
        slot_[ targets_[ k ] - lowest ] = begin_.size();
        begin_.push_back( offsets_[ k ] );
        end_.push_back( offsets_[ k + 1 ] );
        active_.insert( active_.end(), steps_.begin() + offsets_[ k ], steps_.begin() + offsets_[ k + 1 ] );
      }
      std::sort( active_.begin(), active_.end() );
      active_.erase( std::unique( active_.begin(), active_.end() ), active_.end() );
    }
    indexed_ = true;
    init_buffers_();
  }

  void
  update( nest::Time const& origin, const long from, const long to ) override
  {
    for ( long lag = from; lag < to; ++lag )
    {
      const long stamp = origin.get_steps() + lag + 1;
      while ( next_active_ < active_.size() and active_[ next_active_ ] < stamp )
      {
        ++next_active_;
      }
      if ( next_active_ < active_.size() and active_[ next_active_ ] == stamp and is_active( nest::Time::step( stamp ) ) )
      {
        nest::DSSpikeEvent e;
        nest::kernel().event_delivery_manager.send( *this, e, lag );
      }
    }
  }

  void
  event_hook( nest::DSSpikeEvent& e ) override
  {
    const size_t id = e.get_receiver().get_node_id();
    if ( id < first_id_ or id - first_id_ >= slot_.size() or slot_[ id - first_id_ ] < 0 )
    {
      return;
    }
    const long k = slot_[ id - first_id_ ];
    const long stamp = e.get_stamp().get_steps();
    size_t& at = cursor_[ k ];
    while ( at < end_[ k ] and steps_[ at ] < stamp )
    {
      ++at;
    }
    size_t count = 0;
    while ( at < end_[ k ] and steps_[ at ] == stamp )
    {
      ++at;
      ++count;
    }
    if ( count > 0 )
    {
      e.set_multiplicity( count );
      e.get_receiver().handle( e );
    }
  }

  std::vector< long > targets_, offsets_, steps_;  // every target's train, in steps (spike_times / resolution)
  // this copy's targets: node id - first_id_ -> slot; a slot's steps are steps_[ begin_ : end_ ]
  size_t first_id_ = 0;
  std::vector< long > slot_;
  std::vector< size_t > begin_, end_, cursor_;
  std::vector< long > active_;  // the steps in which any of this copy's targets has a spike
  size_t next_active_ = 0;
  bool indexed_ = false;
};

class private_trains_module : public nest::NESTExtensionInterface
{
public:
  void
  initialize() override
  {
    nest::register_node_model< private_trains >( "zoo_private_trains" );
  }
};

}  // namespace zoo

zoo::private_trains_module zoo_private_trains_module_LTX_module;
