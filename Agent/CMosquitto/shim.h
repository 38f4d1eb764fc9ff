#ifndef GANTRY_CMOSQUITTO_SHIM_H
#define GANTRY_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#endif
